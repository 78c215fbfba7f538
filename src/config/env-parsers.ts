/**
 * Small, strict parsers for environment values. Each returns the typed value or throws an
 * EnvError whose message names the variable, what was wrong and what is allowed, so start-up
 * fails with one clear line instead of a stack trace.
 */
export class EnvError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
    this.name = 'EnvError';
  }
}

export type RawEnv = Record<string, string | undefined>;

function raw(env: RawEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function optionalString(env: RawEnv, name: string): string | undefined {
  return raw(env, name);
}

export function stringWithDefault(env: RawEnv, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function integer(
  env: RawEnv,
  name: string,
  /** `note` says what a special value means, e.g. "0 switches it off". */
  options: { default: number; min: number; max: number; note?: string },
): number {
  const value = raw(env, name);
  if (value === undefined) return options.default;
  const parsed = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!(parsed >= options.min && parsed <= options.max)) {
    const note = options.note ? `; ${options.note}` : '';
    throw new EnvError(
      name,
      `must be an integer from ${options.min} to ${options.max}${note} (got ${JSON.stringify(value)})`,
    );
  }
  return parsed;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export function boolean(env: RawEnv, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  throw new EnvError(name, `must be true or false (got ${JSON.stringify(value)})`);
}

export function oneOf<T extends string>(
  env: RawEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase() as T;
  if (!allowed.includes(lower)) {
    throw new EnvError(name, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return lower;
}

export function postgresUrl(env: RawEnv, name: string): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  checkPostgresUrl(name, value, '');
  return value;
}

/**
 * One or more PostgreSQL URLs separated by commas. A comma splits only before the next
 * `postgres://`, since a libpq URL may itself list several hosts with commas.
 */
export function postgresUrlList(env: RawEnv, name: string): string[] {
  const value = raw(env, name);
  if (value === undefined) return [];
  const urls = value.split(/\s*,\s*(?=postgres(?:ql)?:\/\/)/);
  urls.forEach((url, i) => checkPostgresUrl(name, url, urls.length > 1 ? ` (URL ${i + 1})` : ''));
  return urls;
}

/** The value itself is never quoted in an error: it may carry a password. */
function checkPostgresUrl(name: string, value: string, which: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EnvError(
      name,
      `must be a PostgreSQL URL like postgres://user:password@host:5432/database${which} (it could not be parsed)`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new EnvError(
      name,
      `must use the postgres:// or postgresql:// scheme${which} (got ${JSON.stringify(url.protocol.replace(/:$/, ''))})`,
    );
  }
  if (!url.hostname)
    throw new EnvError(name, `must name a host, e.g. postgres://user@localhost/db${which}`);
  if (url.pathname.length <= 1) {
    throw new EnvError(
      name,
      `must name a database, e.g. postgres://user@localhost:5432/warehouse${which}`,
    );
  }
}

export function httpUrl(env: RawEnv, name: string, fallback: string): string {
  const value = raw(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EnvError(
      name,
      `must be an http(s) URL like ${fallback} (got ${JSON.stringify(value)})`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EnvError(
      name,
      `must be an http(s) URL like ${fallback} (got ${JSON.stringify(value)})`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** Comma-separated list; empty entries are ignored. */
export function list(env: RawEnv, name: string): string[] {
  const value = raw(env, name);
  if (value === undefined) return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Comma-separated list of allowed words (case-insensitive). */
export function listOf<T extends string>(env: RawEnv, name: string, allowed: readonly T[]): T[] {
  return list(env, name).map((item) => {
    const lower = item.toLowerCase() as T;
    if (!allowed.includes(lower)) {
      throw new EnvError(
        name,
        `must be a comma-separated list of ${allowed.join(', ')} (got ${JSON.stringify(item)})`,
      );
    }
    return lower;
  });
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Comma-separated CIDR list (IPv4 a.b.c.d/n or IPv6 with /n); bare addresses mean a single host. */
export function cidrList(env: RawEnv, name: string): string[] {
  return list(env, name).map((entry) => {
    const [address, bits, extra] = entry.split('/');
    const isV4 = IPV4.test(address);
    const isV6 = !isV4 && /^[0-9a-fA-F:]+$/.test(address) && address.includes(':');
    const maxBits = isV4 ? 32 : 128;
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if ((!isV4 && !isV6) || !bitsOk || extra !== undefined) {
      throw new EnvError(
        name,
        `must be a comma-separated list of IP addresses or CIDR ranges like 10.0.0.0/8,127.0.0.1 (bad entry ${JSON.stringify(entry)})`,
      );
    }
    return bits === undefined ? `${address}/${maxBits}` : `${address}/${bits}`;
  });
}

/** Longest string parameter quoted in a slow-query log line. */
const MAX_STRING = 64;
/** Most elements of an array parameter quoted in a slow-query log line. */
const MAX_ITEMS = 5;

/** Our API keys (`mdw_…`), and hex/base64 digests such as a key hash. */
const SECRET_LIKE = [/^mdw_/i, /^[A-Fa-f0-9]{40,}$/, /^[A-Za-z0-9+/_-]{40,}={0,2}$/];

/**
 * Makes SQL parameters safe and short enough for a log line: anything that looks like a key or a
 * hash is replaced, long strings and arrays (a batch insert's columns) are cut, binary is named
 * only. Heuristic on purpose — callers may pass hashes without saying so, and a false positive
 * only hides a value from a log line.
 */
export function sanitizeParams(params: readonly unknown[] | undefined): unknown[] | undefined {
  if (!params) return undefined;
  return params.map(sanitizeValue);
}

function sanitizeValue(value: unknown): unknown {
  if (typeof value === 'string') {
    if (SECRET_LIKE.some((pattern) => pattern.test(value))) return '[redacted]';
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length})` : value;
  }
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Buffer.isBuffer(value)) return `[binary ${value.length} bytes]`;
  if (Array.isArray(value)) {
    const head = value.slice(0, MAX_ITEMS).map(sanitizeValue);
    return value.length > MAX_ITEMS ? [...head, `…(${value.length} items)`] : head;
  }
  if (value !== null && typeof value === 'object') return '[object]';
  return value;
}

import * as path from 'node:path';

import {
  boolean,
  cidrList,
  httpUrl,
  integer,
  list,
  oneOf,
  optionalString,
  postgresUrl,
  RawEnv,
  stringWithDefault,
} from './env-parsers';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The one validated, typed configuration. Built once from the environment (and `.env`) by
 * `loadAppConfig`; the app, the CLI and the migration data source all receive this object.
 * Nothing else reads `process.env`.
 */
export class AppConfig {
  readonly nodeEnv!: string;
  readonly version!: string;
  readonly database!: {
    /** Unset: an embedded PostgreSQL under `dataDir` is started (or attached to). */
    readonly url: string | undefined;
    readonly dataDir: string;
    readonly poolSize: number;
    readonly runMigrations: boolean;
    readonly slowQueryMs: number;
  };
  readonly polygon!: {
    /** Unset: the demo (synthetic) data source is used. Never log this. */
    readonly apiKey: string | undefined;
    readonly baseUrl: string;
    readonly requestsPerMinute: number;
  };
  readonly api!: {
    readonly host: string;
    readonly port: number;
    readonly workers: number;
    readonly corsOrigins: string[];
    readonly bodyLimitBytes: number;
    /** Number of reverse-proxy hops whose X-Forwarded-For entry is trusted (0 = none). */
    readonly trustProxyHops: number;
  };
  readonly logLevel!: LogLevel;
  readonly backfill!: {
    readonly enabled: boolean;
    readonly scheduleHour: number;
    readonly scheduleMinute: number;
  };
  readonly rateLimit!: {
    readonly anonymousPerMinute: number;
    readonly keyPerMinute: number;
  };
  readonly cacheTtlSeconds!: number;
  readonly metrics!: {
    /** CIDR ranges allowed to read /metrics without an admin key; empty = open to everyone. */
    readonly allow: string[];
  };

  static fromEnv(env: RawEnv, cwd = process.cwd()): AppConfig {
    const config: AppConfig = Object.assign(Object.create(AppConfig.prototype) as AppConfig, {
      nodeEnv: stringWithDefault(env, 'NODE_ENV', 'development'),
      version: stringWithDefault(env, 'npm_package_version', '0.1.0'),
      database: {
        url: postgresUrl(env, 'DATABASE_URL'),
        dataDir: path.resolve(cwd, stringWithDefault(env, 'DATA_DIR', './.data')),
        poolSize: integer(env, 'DATABASE_POOL_SIZE', { default: 10, min: 1, max: 200 }),
        runMigrations: boolean(env, 'DATABASE_MIGRATE_ON_START', true),
        slowQueryMs: integer(env, 'SLOW_QUERY_MS', { default: 500, min: 1, max: 600_000 }),
      },
      polygon: {
        apiKey: optionalString(env, 'POLYGON_API_KEY'),
        baseUrl: httpUrl(env, 'POLYGON_BASE_URL', 'https://api.polygon.io'),
        requestsPerMinute: integer(env, 'POLYGON_REQUESTS_PER_MINUTE', {
          default: 5,
          min: 1,
          max: 100_000,
        }),
      },
      api: {
        host: stringWithDefault(env, 'API_HOST', '0.0.0.0'),
        port: integer(env, 'API_PORT', { default: 8000, min: 0, max: 65535 }),
        workers: integer(env, 'API_WORKERS', { default: 1, min: 1, max: 64 }),
        corsOrigins: list(env, 'CORS_ORIGINS'),
        bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', {
          default: 1_048_576,
          min: 1024,
          max: 104_857_600,
        }),
        trustProxyHops: integer(env, 'TRUST_PROXY', { default: 0, min: 0, max: 10 }),
      },
      logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
      backfill: {
        enabled: boolean(env, 'BACKFILL_ENABLED', true),
        scheduleHour: integer(env, 'BACKFILL_SCHEDULE_HOUR', { default: 2, min: 0, max: 23 }),
        scheduleMinute: integer(env, 'BACKFILL_SCHEDULE_MINUTE', { default: 0, min: 0, max: 59 }),
      },
      rateLimit: {
        anonymousPerMinute: integer(env, 'RATE_LIMIT_ANONYMOUS_PER_MINUTE', {
          default: 600,
          min: 1,
          max: 10_000_000,
        }),
        keyPerMinute: integer(env, 'RATE_LIMIT_KEY_PER_MINUTE', {
          default: 6000,
          min: 1,
          max: 10_000_000,
        }),
      },
      cacheTtlSeconds: integer(env, 'CACHE_TTL_SECONDS', { default: 300, min: 0, max: 86_400 }),
      metrics: { allow: cidrList(env, 'METRICS_ALLOW') },
    });
    return Object.freeze(config);
  }

  /** A copy with some sections replaced: tests and the CLI use this instead of touching the env. */
  with(overrides: DeepPartial<AppConfig>): AppConfig {
    return Object.freeze(merge(this, overrides)) as AppConfig;
  }
}

export type DeepPartial<T> = {
  -readonly [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K];
};

function merge<T extends object>(base: T, overrides: DeepPartial<T>): T {
  const result = Object.assign(Object.create(Object.getPrototypeOf(base)) as T, base);
  for (const [key, value] of Object.entries(overrides) as [keyof T, unknown][]) {
    const current = base[key];
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current)
    ) {
      result[key] = { ...(current as object), ...(value as object) } as T[keyof T];
    } else if (value !== undefined) {
      result[key] = value as T[keyof T];
    }
  }
  return result;
}

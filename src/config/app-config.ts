import * as path from 'node:path';

import {
  boolean,
  cidrList,
  EnvError,
  httpUrl,
  integer,
  list,
  listOf,
  oneOf,
  optionalString,
  postgresUrl,
  postgresUrlList,
  RawEnv,
  stringWithDefault,
} from './env-parsers';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Mechanisms of the bar read path that READ_PATH_DISABLE can switch off. */
export const READ_PATH_MECHANISMS = [
  'fast-lane',
  'halves',
  'pieces',
  'stream',
  'admission',
] as const;
export type ReadPathMechanism = (typeof READ_PATH_MECHANISMS)[number];

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
    /**
     * Streaming replicas of `url` for the bar-read pool (empty: reads on the primary). A replica
     * serves a read only once it has replayed every write this process knows of.
     */
    readonly readUrls: string[];
    readonly dataDir: string;
    readonly poolSize: number;
    /** Connections of the bar-read pool (the hot path), besides `poolSize`. */
    readonly readPoolSize: number;
    readonly runMigrations: boolean;
    readonly slowQueryMs: number;
    /**
     * Server-side bound of one statement (PostgreSQL `statement_timeout`), 0 = none. A slow or
     * stuck database then cancels the work of a request that already answered at its deadline.
     */
    readonly statementTimeoutMs: number;
  };
  readonly polygon!: {
    /** Unset: the demo (synthetic) data source is used. Never log this. */
    readonly apiKey: string | undefined;
    readonly baseUrl: string;
    readonly requestsPerMinute: number;
    /** Per attempt (each retry gets a fresh one). */
    readonly timeoutMs: number;
    /** Retries of a failed page after the first attempt (429, 5xx, network, malformed body). */
    readonly maxRetries: number;
    /** Back-off base: retry n waits a random time up to base × 2^(n-1), at most 30 s. */
    readonly retryBaseMs: number;
  };
  readonly api!: {
    readonly host: string;
    readonly port: number;
    readonly workers: number;
    readonly corsOrigins: string[];
    readonly bodyLimitBytes: number;
    /** Number of reverse-proxy hops whose X-Forwarded-For entry is trusted (0 = none). */
    readonly trustProxyHops: number;
    /** Longest a request may take before it is answered 504 (database slow) or 503 (down). */
    readonly requestTimeoutMs: number;
    /**
     * On SIGTERM, how long /ready answers 503 while requests are still served (so load balancers
     * stop sending new ones) before the listener closes and in-flight requests finish.
     */
    readonly shutdownDrainMs: number;
  };
  readonly logLevel!: LogLevel;
  readonly backfill!: {
    readonly enabled: boolean;
    readonly scheduleHour: number;
    readonly scheduleMinute: number;
  };
  readonly retention!: {
    /**
     * Minute bars older than this many days are deleted by the hourly retention job; 0 keeps
     * them forever (the default). Daily bars are always kept.
     */
    readonly minuteBarDays: number;
  };
  readonly rateLimit!: {
    readonly anonymousPerMinute: number;
    readonly keyPerMinute: number;
    /** Failed authentications per client IP per minute before further keyed requests get 429. */
    readonly authFailuresPerMinute: number;
  };
  readonly cacheTtlSeconds!: number;
  /** Upper bound of the in-process response cache, MiB. */
  readonly cacheMaxMb!: number;
  /**
   * Without POLYGON_API_KEY, an empty warehouse tracks a few demo symbols and fills them with
   * synthetic bars at start-up (DEMO_SEED=false turns that off; tests do).
   */
  readonly demoSeed!: boolean;
  readonly readPath!: {
    /**
     * Read-path mechanisms switched off (READ_PATH_DISABLE, comma-separated): each is kept only
     * while it measurably pays (docs/PERFORMANCE.md), and the bench switches them off one at a
     * time to measure the simpler alternative. Empty in production.
     */
    readonly disabled: ReadonlySet<ReadPathMechanism>;
  };
  readonly metrics!: {
    /** CIDR ranges allowed to read /metrics without an admin key; empty = open to everyone. */
    readonly allow: string[];
    /** false switches the per-request metrics hook off (to measure its cost); /metrics stays. */
    readonly enabled: boolean;
  };

  static fromEnv(env: RawEnv, cwd = process.cwd()): AppConfig {
    const config: AppConfig = Object.assign(Object.create(AppConfig.prototype) as AppConfig, {
      nodeEnv: stringWithDefault(env, 'NODE_ENV', 'development'),
      version: stringWithDefault(env, 'npm_package_version', '0.1.0'),
      database: {
        url: postgresUrl(env, 'DATABASE_URL'),
        readUrls: readReplicaUrls(env),
        dataDir: path.resolve(cwd, stringWithDefault(env, 'DATA_DIR', './.data')),
        poolSize: integer(env, 'DATABASE_POOL_SIZE', { default: 10, min: 1, max: 200 }),
        readPoolSize: integer(env, 'DATABASE_READ_POOL_SIZE', { default: 10, min: 1, max: 200 }),
        runMigrations: boolean(env, 'DATABASE_MIGRATE_ON_START', true),
        slowQueryMs: integer(env, 'SLOW_QUERY_MS', { default: 500, min: 1, max: 600_000 }),
        statementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', {
          default: 10_000,
          min: 0,
          max: 3_600_000,
        }),
      },
      polygon: {
        apiKey: optionalString(env, 'POLYGON_API_KEY'),
        baseUrl: httpUrl(env, 'POLYGON_BASE_URL', 'https://api.polygon.io'),
        requestsPerMinute: integer(env, 'POLYGON_REQUESTS_PER_MINUTE', {
          default: 5,
          min: 1,
          max: 100_000,
        }),
        timeoutMs: integer(env, 'POLYGON_TIMEOUT_MS', { default: 30_000, min: 100, max: 600_000 }),
        maxRetries: integer(env, 'POLYGON_MAX_RETRIES', { default: 5, min: 0, max: 20 }),
        retryBaseMs: integer(env, 'POLYGON_RETRY_BASE_MS', { default: 1_000, min: 1, max: 60_000 }),
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
        requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', {
          default: 10_000,
          min: 100,
          max: 600_000,
        }),
        shutdownDrainMs: integer(env, 'SHUTDOWN_DRAIN_MS', {
          default: 5_000,
          min: 0,
          max: 120_000,
        }),
      },
      logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
      backfill: {
        enabled: boolean(env, 'BACKFILL_ENABLED', true),
        scheduleHour: integer(env, 'BACKFILL_SCHEDULE_HOUR', { default: 2, min: 0, max: 23 }),
        scheduleMinute: integer(env, 'BACKFILL_SCHEDULE_MINUTE', { default: 0, min: 0, max: 59 }),
      },
      retention: {
        minuteBarDays: integer(env, 'MINUTE_BAR_RETENTION_DAYS', {
          default: 0,
          min: 0,
          max: 36_500,
          note: '0 keeps minute bars forever',
        }),
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
        authFailuresPerMinute: integer(env, 'RATE_LIMIT_AUTH_FAILURES_PER_MINUTE', {
          default: 20,
          min: 1,
          max: 1_000_000,
        }),
      },
      cacheTtlSeconds: integer(env, 'CACHE_TTL_SECONDS', { default: 300, min: 0, max: 86_400 }),
      cacheMaxMb: integer(env, 'CACHE_MAX_MB', { default: 32, min: 1, max: 4096 }),
      demoSeed: boolean(env, 'DEMO_SEED', true),
      readPath: { disabled: new Set(listOf(env, 'READ_PATH_DISABLE', READ_PATH_MECHANISMS)) },
      metrics: {
        allow: cidrList(env, 'METRICS_ALLOW'),
        enabled: boolean(env, 'METRICS_ENABLED', true),
      },
    });
    return Object.freeze(config);
  }

  /** A copy with some sections replaced: tests and the CLI use this instead of touching the env. */
  with(overrides: DeepPartial<AppConfig>): AppConfig {
    return Object.freeze(merge(this, overrides));
  }
}

/** Replicas stream from a primary the API reaches by URL, never from the embedded server. */
function readReplicaUrls(env: RawEnv): string[] {
  const urls = postgresUrlList(env, 'DATABASE_READ_URL');
  if (urls.length > 0 && postgresUrl(env, 'DATABASE_URL') === undefined) {
    throw new EnvError(
      'DATABASE_READ_URL',
      'needs DATABASE_URL: read replicas stream from a primary the API connects to by URL, not from the embedded database',
    );
  }
  return urls;
}

export type DeepPartial<T> = {
  -readonly [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K];
};

function merge<T extends object>(base: T, overrides: DeepPartial<T>): T {
  const result = Object.assign(
    Object.create(Object.getPrototypeOf(base) as object | null) as T,
    base,
  );
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
      result[key] = { ...(current as object), ...value } as T[keyof T];
    } else if (value !== undefined) {
      result[key] = value as T[keyof T];
    }
  }
  return result;
}

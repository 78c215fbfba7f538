import { AppConfig } from './app-config';
import { EnvError } from './env-parsers';

function rejection(env: Record<string, string>): string {
  try {
    AppConfig.fromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('AppConfig.fromEnv', () => {
  it('applies the documented defaults', () => {
    const config = AppConfig.fromEnv({}, '/srv');
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe('/srv/.data');
    expect(config.polygon).toEqual({
      apiKey: undefined,
      baseUrl: 'https://api.polygon.io',
      requestsPerMinute: 5,
      timeoutMs: 30_000,
      maxRetries: 5,
      retryBaseMs: 1_000,
    });
    expect(config.api).toMatchObject({
      host: '0.0.0.0',
      port: 8000,
      workers: 1,
      corsOrigins: [],
      trustProxyHops: 0,
    });
    expect(config.logLevel).toBe('info');
    expect(config.backfill).toEqual({ enabled: true, scheduleHour: 2, scheduleMinute: 0 });
    expect(config.rateLimit).toEqual({
      anonymousPerMinute: 600,
      keyPerMinute: 6000,
      authFailuresPerMinute: 20,
    });
    expect(config.cacheTtlSeconds).toBe(300);
    expect(config.retention).toEqual({ minuteBarDays: 0 });
  });

  it('reads every documented variable', () => {
    const config = AppConfig.fromEnv({
      DATABASE_URL: 'postgres://u:p@db:5432/warehouse',
      DATA_DIR: '/var/lib/mdw',
      POLYGON_API_KEY: 'k',
      POLYGON_BASE_URL: 'http://127.0.0.1:9999/',
      POLYGON_REQUESTS_PER_MINUTE: '100',
      POLYGON_TIMEOUT_MS: '5000',
      POLYGON_MAX_RETRIES: '2',
      POLYGON_RETRY_BASE_MS: '50',
      API_HOST: '127.0.0.1',
      API_PORT: '9000',
      API_WORKERS: '4',
      LOG_LEVEL: 'DEBUG',
      BACKFILL_ENABLED: 'false',
      BACKFILL_SCHEDULE_HOUR: '23',
      BACKFILL_SCHEDULE_MINUTE: '59',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10',
      RATE_LIMIT_KEY_PER_MINUTE: '20',
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3',
      CACHE_TTL_SECONDS: '0',
      TRUST_PROXY: '1',
      METRICS_ALLOW: '10.0.0.0/8,127.0.0.1',
      MINUTE_BAR_RETENTION_DAYS: '90',
    });
    expect(config.database.url).toBe('postgres://u:p@db:5432/warehouse');
    expect(config.database.dataDir).toBe('/var/lib/mdw');
    expect(config.polygon).toEqual({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9999',
      requestsPerMinute: 100,
      timeoutMs: 5000,
      maxRetries: 2,
      retryBaseMs: 50,
    });
    expect(config.api).toMatchObject({
      host: '127.0.0.1',
      port: 9000,
      workers: 4,
      trustProxyHops: 1,
    });
    expect(config.api.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.logLevel).toBe('debug');
    expect(config.backfill).toEqual({ enabled: false, scheduleHour: 23, scheduleMinute: 59 });
    expect(config.rateLimit).toEqual({
      anonymousPerMinute: 10,
      keyPerMinute: 20,
      authFailuresPerMinute: 3,
    });
    expect(config.cacheTtlSeconds).toBe(0);
    expect(config.metrics.allow).toEqual(['10.0.0.0/8', '127.0.0.1/32']);
    expect(config.retention).toEqual({ minuteBarDays: 90 });
  });

  it('keeps request metrics on unless METRICS_ENABLED is false', () => {
    expect(AppConfig.fromEnv({}).metrics.enabled).toBe(true);
    expect(AppConfig.fromEnv({ METRICS_ENABLED: 'false' }).metrics.enabled).toBe(false);
    expect(rejection({ METRICS_ENABLED: 'sometimes' })).toMatch(/^METRICS_ENABLED /);
  });

  it('switches read-path mechanisms off only by their names', () => {
    expect([...AppConfig.fromEnv({}).readPath.disabled]).toEqual([]);
    const config = AppConfig.fromEnv({ READ_PATH_DISABLE: 'fast-lane, Halves' });
    expect([...config.readPath.disabled]).toEqual(['fast-lane', 'halves']);
    expect(rejection({ READ_PATH_DISABLE: 'fast-lane,cache' })).toBe(
      'READ_PATH_DISABLE must be a comma-separated list of fast-lane, halves, pieces, stream, admission (got "cache")',
    );
  });

  it('rejects a non-numeric port, naming the variable and the allowed range', () => {
    expect(rejection({ API_PORT: 'eighty' })).toBe(
      'API_PORT must be an integer from 0 to 65535 (got "eighty")',
    );
  });

  it('rejects an hour of 25', () => {
    expect(rejection({ BACKFILL_SCHEDULE_HOUR: '25' })).toBe(
      'BACKFILL_SCHEDULE_HOUR must be an integer from 0 to 23 (got "25")',
    );
  });

  it('rejects a minute of 60 and fractional numbers', () => {
    expect(rejection({ BACKFILL_SCHEDULE_MINUTE: '60' })).toContain('BACKFILL_SCHEDULE_MINUTE');
    expect(rejection({ CACHE_TTL_SECONDS: '1.5' })).toContain('must be an integer');
    expect(rejection({ CACHE_MAX_MB: '0' })).toContain('CACHE_MAX_MB');
    expect(rejection({ DATABASE_READ_POOL_SIZE: 'ten' })).toContain('DATABASE_READ_POOL_SIZE');
  });

  it('rejects a malformed DATABASE_URL', () => {
    expect(rejection({ DATABASE_URL: 'not a url' })).toMatch(
      /^DATABASE_URL must be a PostgreSQL URL/,
    );
    expect(rejection({ DATABASE_URL: 'mysql://u@h/db' })).toMatch(
      /^DATABASE_URL must use the postgres:\/\//,
    );
    expect(rejection({ DATABASE_URL: 'postgres://u@host' })).toMatch(
      /^DATABASE_URL must name a database/,
    );
  });

  it('rejects unknown log levels and booleans', () => {
    expect(rejection({ LOG_LEVEL: 'loud' })).toBe(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
    expect(rejection({ BACKFILL_ENABLED: 'maybe' })).toBe(
      'BACKFILL_ENABLED must be true or false (got "maybe")',
    );
  });

  it('rejects a non-http POLYGON_BASE_URL and bad CIDRs', () => {
    expect(rejection({ POLYGON_BASE_URL: 'ftp://x' })).toContain(
      'POLYGON_BASE_URL must be an http(s) URL',
    );
    expect(rejection({ METRICS_ALLOW: '10.0.0.0/33' })).toContain('METRICS_ALLOW');
  });

  it('rejects rate limits and workers outside their ranges', () => {
    expect(rejection({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0' })).toContain(
      'RATE_LIMIT_ANONYMOUS_PER_MINUTE',
    );
    expect(rejection({ RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: 'many' })).toContain(
      'RATE_LIMIT_AUTH_FAILURES_PER_MINUTE must be an integer from 1 to 1000000',
    );
    expect(rejection({ API_WORKERS: '0' })).toContain(
      'API_WORKERS must be an integer from 1 to 64',
    );
  });

  it('rejects Polygon timeouts and retry counts outside their ranges', () => {
    expect(rejection({ POLYGON_TIMEOUT_MS: '10' })).toContain(
      'POLYGON_TIMEOUT_MS must be an integer from 100 to 600000',
    );
    expect(rejection({ POLYGON_MAX_RETRIES: '-1' })).toContain('POLYGON_MAX_RETRIES');
    expect(rejection({ POLYGON_RETRY_BASE_MS: '1.5' })).toContain('POLYGON_RETRY_BASE_MS');
  });

  it('reads DATABASE_READ_URL as one or more replica URLs (a multi-host URL stays whole)', () => {
    const primary = 'postgres://u:p@db:5432/warehouse';
    expect(AppConfig.fromEnv({ DATABASE_URL: primary }).database.readUrls).toEqual([]);
    expect(
      AppConfig.fromEnv({
        DATABASE_URL: primary,
        DATABASE_READ_URL: 'postgres://u:p@r1,r2:5432/warehouse, postgresql://u:p@r3/warehouse',
      }).database.readUrls,
    ).toEqual(['postgres://u:p@r1,r2:5432/warehouse', 'postgresql://u:p@r3/warehouse']);
  });

  it('rejects a bad DATABASE_READ_URL without echoing it, and one without DATABASE_URL', () => {
    const primary = 'postgres://u:p@db:5432/warehouse';
    expect(
      rejection({
        DATABASE_URL: primary,
        DATABASE_READ_URL: 'postgres://u:secret@r1/w,postgres://u:secret@[r2/w',
      }),
    ).toMatch(
      /^DATABASE_READ_URL must be a PostgreSQL URL like .* \(URL 2\) \(it could not be parsed\)$/,
    );
    expect(rejection({ DATABASE_URL: primary, DATABASE_READ_URL: 'postgres://u:secret@r1' })).toBe(
      'DATABASE_READ_URL must name a database, e.g. postgres://user@localhost:5432/warehouse',
    );
    expect(rejection({ DATABASE_URL: primary, DATABASE_READ_URL: 'mysql://r/w' })).toBe(
      'DATABASE_READ_URL must use the postgres:// or postgresql:// scheme (got "mysql")',
    );
    expect(rejection({ DATABASE_READ_URL: 'postgres://r/w' })).toMatch(
      /^DATABASE_READ_URL needs DATABASE_URL/,
    );
  });

  it('rejects a minute-bar retention that is not a whole number of days, saying what 0 means', () => {
    const allowed =
      'MINUTE_BAR_RETENTION_DAYS must be an integer from 0 to 36500; 0 keeps minute bars forever';
    expect(rejection({ MINUTE_BAR_RETENTION_DAYS: '90d' })).toBe(`${allowed} (got "90d")`);
    expect(rejection({ MINUTE_BAR_RETENTION_DAYS: '-1' })).toBe(`${allowed} (got "-1")`);
    expect(rejection({ MINUTE_BAR_RETENTION_DAYS: '1.5' })).toBe(`${allowed} (got "1.5")`);
    expect(rejection({ MINUTE_BAR_RETENTION_DAYS: '36501' })).toBe(`${allowed} (got "36501")`);
  });

  it('seeds the demo warehouse unless DEMO_SEED is false', () => {
    expect(AppConfig.fromEnv({}).demoSeed).toBe(true);
    expect(AppConfig.fromEnv({ DEMO_SEED: 'false' }).demoSeed).toBe(false);
    expect(rejection({ DEMO_SEED: 'sometimes' })).toContain('DEMO_SEED must be true or false');
  });

  it('treats empty values as unset', () => {
    expect(AppConfig.fromEnv({ API_PORT: '', DATABASE_URL: ' ' }).api.port).toBe(8000);
  });
});

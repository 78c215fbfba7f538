/**
 * The process's metrics: one prom-client Registry and ready-to-use instruments.
 *
 * Who calls what:
 * - HTTP (metrics module's request hook): `httpRequests.observe(...)` for every response.
 * - Repositories (bars, symbols, api-keys, backfill, quality): `timed('BarsRepository.findBarsInRange',
 *   () => this.dataSource.query(sql, params), params)` or `const end = timeQuery(method, params); …; end()`
 *   — query duration by repository method, slow queries (over SLOW_QUERY_MS) logged with the
 *   method and the parameters minus secrets.
 * - Read cache (bars): `cacheRequests.inc({ cache: 'bars', result: 'hit' | 'miss' })`, and
 *   `cacheMemoryBytes.set({ cache: 'bars' }, bytes)` when what it holds changes.
 * - Backfill runner / writer / providers: `backfillRuns.inc({ status })`, `barsWritten.inc(n)`,
 *   `upstreamRequests.inc({ provider, outcome })`, `upstreamRetries.inc({ provider })`,
 *   `circuitBreakerState.set({ provider }, CIRCUIT_STATE.open)`,
 *   `lastSuccessfulSeriesRun.set({ symbol, timeframe }, epochSeconds)`.
 * - Retention job: `retentionBarsDeleted.inc(n)`, `retentionRuns.inc({ status })`.
 * - Data gauges (bar total, open gaps, active symbols) are read on scrape by MetricsService and
 *   live in `dataRegistry`: they describe the database, not a process, so they are never summed
 *   across workers (cluster-metrics.ts aggregates `registry` only).
 * - Pool gauges are read from the pools whenever the registry is read (`observePools`), so every
 *   worker reports its own pools when the workers' figures are gathered.
 *
 * Metrics live at module level and are created once per process: jest runs many apps in one
 * process, and prom-client refuses to register a name twice. Counters therefore accumulate across
 * apps in one process; tests compare before/after values.
 */
import { Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import { HTTP_BUCKETS_SECONDS, HttpRequestHistogram, HttpSeries } from './http-request-histogram';
import { sanitizeParams } from './sanitize-params';

export const registry = new Registry();

/** Figures read from the database at scrape time by the process answering (see above). */
export const dataRegistry = new Registry();

collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

// ---- HTTP -------------------------------------------------------------------------------------

export const httpRequests = new HttpRequestHistogram();

const HTTP_LABELS = (s: HttpSeries) => ({
  method: s.method,
  route: s.route,
  status_class: s.statusClass,
});

interface SampleValue {
  metricName?: string;
  labels: Record<string, string>;
  value: number;
}

/** Registers a metric whose samples are computed at scrape time from our own state. */
function registerComputed(
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  values: () => SampleValue[],
): void {
  // prom-client's registry only needs name/help/type and get(); the cast covers the members of
  // its Metric class that the registry never reads.
  // `aggregator`: how AggregatorRegistry combines the workers' samples (counts add up).
  registry.registerMetric({
    name,
    help,
    type,
    aggregator: 'sum',
    get: () => ({ name, help, type, aggregator: 'sum', values: values() }),
  } as never);
}

registerComputed(
  'http_request_duration_seconds',
  'HTTP request duration by route template, method and status class',
  'histogram',
  () => {
    const values: SampleValue[] = [];
    for (const s of httpRequests.series()) {
      const labels = HTTP_LABELS(s);
      let cumulative = 0;
      HTTP_BUCKETS_SECONDS.forEach((bound, i) => {
        cumulative += s.buckets[i];
        values.push({
          metricName: 'http_request_duration_seconds_bucket',
          labels: { ...labels, le: String(bound) },
          value: cumulative,
        });
      });
      values.push({
        metricName: 'http_request_duration_seconds_bucket',
        labels: { ...labels, le: '+Inf' },
        value: s.count,
      });
      values.push({ metricName: 'http_request_duration_seconds_sum', labels, value: s.sum });
      values.push({ metricName: 'http_request_duration_seconds_count', labels, value: s.count });
    }
    return values;
  },
);

registerComputed(
  'http_requests_total',
  'HTTP requests by route template, method and status class',
  'counter',
  () => httpRequests.series().map((s) => ({ labels: HTTP_LABELS(s), value: s.count })),
);

registerComputed(
  'http_request_errors_total',
  'HTTP responses with a 5xx status by route template and method',
  'counter',
  () =>
    httpRequests
      .series()
      .filter((s) => s.statusClass === '5xx')
      .map((s) => ({ labels: HTTP_LABELS(s), value: s.count })),
);

// ---- Database ---------------------------------------------------------------------------------

export const dbQueryDuration = new Histogram({
  name: 'db_query_duration_seconds',
  help: 'Database query duration by repository method',
  labelNames: ['method'] as const,
  buckets: [...HTTP_BUCKETS_SECONDS],
  registers: [registry],
});

export const dbQueryErrors = new Counter({
  name: 'db_query_errors_total',
  help: 'Database queries that failed, by repository method',
  labelNames: ['method'] as const,
  registers: [registry],
});

export const dbSlowQueries = new Counter({
  name: 'db_slow_queries_total',
  help: 'Database queries slower than SLOW_QUERY_MS, by repository method',
  labelNames: ['method'] as const,
  registers: [registry],
});

export interface PoolCounts {
  total: number;
  idle: number;
  waiting: number;
}

let poolSources: { pool: () => PoolCounts; readPool: () => PoolCounts } | undefined;

/** Called once by MetricsService: where the pool gauges read their counts from. */
export function observePools(sources: {
  pool: () => PoolCounts;
  readPool: () => PoolCounts;
}): void {
  poolSources = sources;
}

function poolGauge(name: string, help: string, source: 'pool' | 'readPool'): Gauge<'state'> {
  return new Gauge({
    name,
    help,
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const counts = poolSources?.[source]();
      if (!counts) return;
      for (const state of ['total', 'idle', 'waiting'] as const) this.set({ state }, counts[state]);
    },
  });
}

/** The bar-read pool (ReadPool); summed over workers, it is the deployment's connections. */
export const dbReadPoolConnections = poolGauge(
  'db_read_pool_connections',
  'Bar-read pool connections: total open, idle, and clients waiting for one',
  'readPool',
);

/** The pg Pool behind the TypeORM DataSource. */
export const dbPoolConnections = poolGauge(
  'db_pool_connections',
  'Database pool connections: total open, idle, and clients waiting for one',
  'pool',
);

const slowQueryLogger = new Logger('SlowQuery');
let slowQueryMs = 500;

/** Called once by MetricsModule with SLOW_QUERY_MS. */
export function configureSlowQueryThreshold(ms: number): void {
  slowQueryMs = ms;
}

/**
 * Starts timing one query of a repository method; call the returned function when it finished
 * (pass `failed = true` when it threw). Returns the duration in milliseconds.
 */
export function timeQuery(
  method: string,
  params?: readonly unknown[],
): (failed?: boolean) => number {
  const started = performance.now();
  return (failed = false) => {
    const ms = performance.now() - started;
    dbQueryDuration.observe({ method }, ms / 1000);
    if (failed) dbQueryErrors.inc({ method });
    if (ms >= slowQueryMs) {
      dbSlowQueries.inc({ method });
      slowQueryLogger.warn({
        msg: 'slow query',
        method,
        durationMs: Math.round(ms * 10) / 10,
        thresholdMs: slowQueryMs,
        params: sanitizeParams(params),
      });
    }
    return ms;
  };
}

/** Runs one query (or a few that belong together) and records it under the repository method. */
export async function timed<T>(
  method: string,
  run: () => Promise<T>,
  params?: readonly unknown[],
): Promise<T> {
  const end = timeQuery(method, params);
  try {
    const result = await run();
    end();
    return result;
  } catch (error) {
    end(true);
    throw error;
  }
}

// ---- Cache ------------------------------------------------------------------------------------

export const cacheRequests = new Counter({
  name: 'cache_requests_total',
  help: 'Read-cache lookups by cache and result (hit or miss)',
  labelNames: ['cache', 'result'] as const,
  registers: [registry],
});

export const cacheMemoryBytes = new Gauge({
  name: 'cache_memory_bytes',
  help: 'Bytes a read cache holds (bodies, keys and entries), at most CACHE_MAX_MB',
  labelNames: ['cache'] as const,
  registers: [registry],
});

// ---- Backfill ---------------------------------------------------------------------------------

export const backfillRuns = new Counter({
  name: 'backfill_runs_total',
  help: 'Finished backfill runs by final status',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const barsWritten = new Counter({
  name: 'backfill_bars_written_total',
  help: 'Bars written (inserted or updated) by backfills and imports',
  registers: [registry],
});

export const upstreamRequests = new Counter({
  name: 'upstream_requests_total',
  help: 'Requests to market-data providers by outcome (ok, rate_limited, server_error, timeout, network_error, invalid, rejected)',
  labelNames: ['provider', 'outcome'] as const,
  registers: [registry],
});

export const upstreamRetries = new Counter({
  name: 'upstream_retries_total',
  help: 'Retried requests to market-data providers',
  labelNames: ['provider'] as const,
  registers: [registry],
});

/** Values for circuitBreakerState. */
export const CIRCUIT_STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

export const circuitBreakerState = new Gauge({
  name: 'upstream_circuit_breaker_state',
  help: 'Circuit breaker per provider and endpoint family (aggregates, reference): 0 closed, 1 half-open, 2 open',
  labelNames: ['provider', 'endpoint'] as const,
  registers: [registry],
  // Across workers: the most open breaker.
  aggregator: 'max',
});

export const lastSuccessfulSeriesRun = new Gauge({
  name: 'backfill_series_last_success_timestamp_seconds',
  help: 'Unix time of the last successful backfill of each series (symbol, base timeframe)',
  labelNames: ['symbol', 'timeframe'] as const,
  registers: [registry],
  aggregator: 'max',
});

// ---- Retention --------------------------------------------------------------------------------

export const retentionBarsDeleted = new Counter({
  name: 'retention_bars_deleted_total',
  help: 'Minute bars deleted by the retention job (MINUTE_BAR_RETENTION_DAYS)',
  registers: [registry],
});

export const retentionRuns = new Counter({
  name: 'retention_runs_total',
  help: 'Finished passes of the retention job by final status (succeeded, failed)',
  labelNames: ['status'] as const,
  registers: [registry],
});

// ---- Data (filled on scrape, never aggregated) ----------------------------------------------------

export const dataBars = new Gauge({
  name: 'data_bars',
  help: 'Stored bars (planner estimate above 100k rows, exact below)',
  registers: [dataRegistry],
});

export const dataOpenGaps = new Gauge({
  name: 'data_open_gaps',
  help: 'Detected gaps still open',
  registers: [dataRegistry],
});

export const dataActiveSymbols = new Gauge({
  name: 'data_active_symbols',
  help: 'Tracked symbols that are active',
  registers: [dataRegistry],
});

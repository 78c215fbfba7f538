import type {
  BackfillSummaryDto,
  CacheSummaryDto,
  DatabaseSummaryDto,
  LatencySummaryDto,
  RequestsSummaryDto,
  RouteSummaryDto,
} from './dto/metrics-summary.dto';
import { histogramQuantile } from './histogram-quantile';
import { HTTP_BUCKETS_SECONDS, HttpSeries, StatusClass } from './http-request-histogram';

/** A sample as prom-client's `metric.get()` returns it. */
export interface Sample {
  metricName?: string;
  labels: Record<string, string | number | undefined>;
  value: number;
}

const CIRCUIT_NAMES = ['closed', 'half-open', 'open'];

/**
 * Turns the histograms and counters into the JSON of /api/v1/metrics. Percentiles come from the
 * histograms' fixed buckets (see histogramQuantile), merged over the series they summarise.
 */
export function summarizeRequests(series: readonly HttpSeries[]): RequestsSummaryDto {
  const routes = new Map<
    string,
    Omit<RouteSummaryDto, 'p50Ms' | 'p95Ms' | 'p99Ms'> & { buckets: Float64Array }
  >();
  const all = new Float64Array(HTTP_BUCKETS_SECONDS.length + 1);
  let errors = 0;
  let clientErrors = 0;
  for (const s of series) {
    const key = `${s.method} ${s.route}`;
    let route = routes.get(key);
    if (!route) {
      route = {
        method: s.method,
        route: s.route,
        count: 0,
        errors: 0,
        clientErrors: 0,
        buckets: new Float64Array(HTTP_BUCKETS_SECONDS.length + 1),
      };
      routes.set(key, route);
    }
    route.count += s.count;
    if (s.statusClass === '5xx') route.errors += s.count;
    if (s.statusClass === '4xx') route.clientErrors += s.count;
    for (let i = 0; i < s.buckets.length; i++) {
      route.buckets[i] += s.buckets[i];
      all[i] += s.buckets[i];
    }
    errors += s.statusClass === '5xx' ? s.count : 0;
    clientErrors += s.statusClass === '4xx' ? s.count : 0;
  }
  const perRoute = [...routes.values()]
    .map(({ buckets, ...route }) => ({ ...route, ...latency(route.count, buckets) }))
    .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route));
  const total = perRoute.reduce((sum, r) => sum + r.count, 0);
  return { ...latency(total, all), errors, clientErrors, routes: perRoute };
}

/**
 * The HTTP series back from the samples of `http_request_duration_seconds` (cumulative `le`
 * buckets, `_sum`, `_count`), so the JSON figures can come from the same registry as the
 * Prometheus text, aggregated across workers or not.
 */
export function httpSeriesFromSamples(samples: readonly Sample[]): HttpSeries[] {
  const bounds = HTTP_BUCKETS_SECONDS;
  const series = new Map<string, HttpSeries & { cumulative: Float64Array }>();
  for (const s of samples) {
    const { method, route, status_class: statusClass } = s.labels;
    const key = `${method} ${route} ${statusClass}`;
    let one = series.get(key);
    if (!one) {
      one = {
        method: String(method),
        route: String(route),
        statusClass: String(statusClass) as StatusClass,
        buckets: new Float64Array(bounds.length + 1),
        cumulative: new Float64Array(bounds.length + 1),
        sum: 0,
        count: 0,
      };
      series.set(key, one);
    }
    if (s.metricName?.endsWith('_sum')) one.sum = s.value;
    else if (s.metricName?.endsWith('_count')) one.count = s.value;
    else if (s.metricName?.endsWith('_bucket')) {
      const le = s.labels.le === '+Inf' ? bounds.length : bounds.indexOf(Number(s.labels.le));
      if (le >= 0) one.cumulative[le] = s.value;
    }
  }
  return [...series.values()].map(({ cumulative, ...one }) => ({
    ...one,
    buckets: decumulate(cumulative),
  }));
}

export function summarizeCache(samples: readonly Sample[]): CacheSummaryDto {
  let hits = 0;
  let misses = 0;
  for (const s of samples) {
    if (s.labels.result === 'hit') hits += s.value;
    else if (s.labels.result === 'miss') misses += s.value;
  }
  return { hits, misses, hitRate: hits + misses > 0 ? round(hits / (hits + misses), 4) : null };
}

export function summarizeQueries(
  histogram: readonly Sample[],
  errors: readonly Sample[],
  slow: readonly Sample[],
): Omit<DatabaseSummaryDto, 'pool' | 'readPool'> {
  const bounds = HTTP_BUCKETS_SECONDS;
  const byMethod = new Map<string, Float64Array>();
  const all = new Float64Array(bounds.length + 1);
  for (const s of histogram) {
    if (s.metricName !== 'db_query_duration_seconds_bucket') continue;
    const method = String(s.labels.method);
    let buckets = byMethod.get(method);
    if (!buckets) {
      buckets = new Float64Array(bounds.length + 1);
      byMethod.set(method, buckets);
    }
    // prom-client reports cumulative buckets; store them per bucket like the HTTP histogram.
    const le = s.labels.le === '+Inf' ? bounds.length : bounds.indexOf(Number(s.labels.le));
    if (le >= 0) buckets[le] = s.value;
  }
  const errorsByMethod = sumBy(errors, 'method');
  const methods = [...byMethod.entries()].map(([method, cumulative]) => {
    const buckets = decumulate(cumulative);
    buckets.forEach((n, i) => (all[i] += n));
    return {
      method,
      errors: errorsByMethod[method] ?? 0,
      ...latency(cumulative[bounds.length], buckets),
    };
  });
  methods.sort((a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0) || a.method.localeCompare(b.method));
  const count = methods.reduce((sum, m) => sum + m.count, 0);
  return {
    ...latency(count, all),
    errors: errors.reduce((sum, s) => sum + s.value, 0),
    slowQueries: slow.reduce((sum, s) => sum + s.value, 0),
    methods,
  };
}

export function summarizeBackfill(input: {
  runs: readonly Sample[];
  barsWritten: readonly Sample[];
  upstreamRequests: readonly Sample[];
  upstreamRetries: readonly Sample[];
  circuitBreakers: readonly Sample[];
  lastSuccess: readonly Sample[];
}): BackfillSummaryDto {
  const upstreamRequests: Record<string, Record<string, number>> = {};
  for (const s of input.upstreamRequests) {
    const provider = String(s.labels.provider);
    upstreamRequests[provider] ??= {};
    upstreamRequests[provider][String(s.labels.outcome)] = s.value;
  }
  const circuitBreakers: Record<string, string> = {};
  for (const s of input.circuitBreakers) {
    // The aggregates' breaker under the provider's name, the others beside it.
    const endpoint = s.labels.endpoint;
    const key =
      endpoint === undefined || endpoint === 'aggregates'
        ? String(s.labels.provider)
        : `${String(s.labels.provider)}:${String(endpoint)}`;
    circuitBreakers[key] = CIRCUIT_NAMES[s.value] ?? String(s.value);
  }
  const newest = input.lastSuccess.reduce((max, s) => Math.max(max, s.value), 0);
  return {
    runs: sumBy(input.runs, 'status'),
    barsWritten: input.barsWritten.reduce((sum, s) => sum + s.value, 0),
    upstreamRequests,
    upstreamRetries: sumBy(input.upstreamRetries, 'provider'),
    circuitBreakers,
    lastSuccessAt: newest > 0 ? new Date(newest * 1000).toISOString() : null,
  };
}

function latency(count: number, buckets: ArrayLike<number>): LatencySummaryDto {
  return {
    count,
    p50Ms: toMs(histogramQuantile(0.5, HTTP_BUCKETS_SECONDS, buckets)),
    p95Ms: toMs(histogramQuantile(0.95, HTTP_BUCKETS_SECONDS, buckets)),
    p99Ms: toMs(histogramQuantile(0.99, HTTP_BUCKETS_SECONDS, buckets)),
  };
}

function decumulate(cumulative: Float64Array): Float64Array {
  const out = new Float64Array(cumulative.length);
  for (let i = 0; i < cumulative.length; i++)
    out[i] = cumulative[i] - (i > 0 ? cumulative[i - 1] : 0);
  return out;
}

function sumBy(samples: readonly Sample[], label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    const key = String(s.labels[label]);
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : round(seconds * 1000, 3);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Latency buckets (seconds) from 0.5 ms to 10 s: a cached bar read to a full-history export. */
export const HTTP_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const STATUS_CLASSES = ['other', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Requests that matched no route share one series, so a scanner cannot grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

/** One (route, method, status class) series. `buckets` are per-bucket (not cumulative) counts. */
export interface HttpSeries {
  readonly route: string;
  readonly method: string;
  readonly statusClass: StatusClass;
  /** Counts per bucket of HTTP_BUCKETS_SECONDS, then one slot for +Inf. */
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * The request-latency histogram on the hot path. prom-client's Histogram builds a label object
 * and a hash string on every observe; here a request costs two Map lookups, an array index and a
 * linear scan of 14 bounds, with no allocation once its series exists. The series are exposed to
 * Prometheus by the collectors in instruments.ts and read directly by /api/v1/metrics, so both
 * report the same numbers.
 */
export class HttpRequestHistogram {
  private readonly routes = new Map<string, Map<string, (HttpSeries | undefined)[]>>();
  private readonly all: HttpSeries[] = [];

  observe(method: string, route: string, statusCode: number, seconds: number): void {
    let methods = this.routes.get(route);
    if (methods === undefined) {
      methods = new Map();
      this.routes.set(route, methods);
    }
    let byClass = methods.get(method);
    if (byClass === undefined) {
      const label = KNOWN_METHODS.has(method) ? method : 'OTHER';
      byClass = methods.get(label);
      if (byClass === undefined) {
        byClass = new Array<HttpSeries | undefined>(STATUS_CLASSES.length).fill(undefined);
        methods.set(label, byClass);
      }
      method = label;
    }
    const classIndex = statusCode >= 100 && statusCode < 600 ? (statusCode / 100) | 0 : 0;
    let series = byClass[classIndex];
    if (series === undefined) {
      series = {
        route,
        method,
        statusClass: STATUS_CLASSES[classIndex],
        buckets: new Float64Array(HTTP_BUCKETS_SECONDS.length + 1),
        sum: 0,
        count: 0,
      };
      byClass[classIndex] = series;
      this.all.push(series);
    }
    let bucket = 0;
    while (bucket < HTTP_BUCKETS_SECONDS.length && seconds > HTTP_BUCKETS_SECONDS[bucket]) bucket++;
    series.buckets[bucket] += 1;
    series.sum += seconds;
    series.count += 1;
  }

  /** Every series observed so far (live objects; read them, do not change them). */
  series(): readonly HttpSeries[] {
    return this.all;
  }
}

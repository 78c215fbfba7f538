import request from 'supertest';

import { histogramQuantile } from '../../../src/metrics/histogram-quantile';
import { HTTP_BUCKETS_SECONDS } from '../../../src/metrics/http-request-histogram';
import { ProbeModule } from '../../support/probe.module';
import { startTestApp, TestApp } from '../../support/test-app';
import { MetricsProbeModule } from './metrics-probe.module';
import { parsePrometheusSamples, prometheusFamilies, PromSample } from './prometheus-samples';

const ITEM_ROUTE = '/__metrics-probe/items/:symbol';

function requestCount(samples: PromSample[], route: string, statusClass = '2xx'): number {
  return samples
    .filter(
      (s) =>
        s.name === 'http_requests_total' &&
        s.labels.route === route &&
        s.labels.status_class === statusClass,
    )
    .reduce((sum, s) => sum + s.value, 0);
}

describe('request metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ extraModules: [ProbeModule, MetricsProbeModule] });
  });
  afterAll(() => t.close());

  async function scrape(): Promise<{ text: string; samples: PromSample[] }> {
    const res = await request(t.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: res.text, samples: parsePrometheusSamples(res.text) };
  }

  it('serves Prometheus text that parses, with every family the operator needs', async () => {
    await request(t.url).get('/ready').expect(200);
    const { text, samples } = await scrape();
    const families = prometheusFamilies(text);
    for (const [name, type] of [
      ['http_request_duration_seconds', 'HISTOGRAM'],
      ['http_requests_total', 'COUNTER'],
      ['http_request_errors_total', 'COUNTER'],
      ['db_query_duration_seconds', 'HISTOGRAM'],
      ['db_pool_connections', 'GAUGE'],
      ['db_read_pool_connections', 'GAUGE'],
      ['cache_requests_total', 'COUNTER'],
      ['cache_memory_bytes', 'GAUGE'],
      ['backfill_runs_total', 'COUNTER'],
      ['backfill_bars_written_total', 'COUNTER'],
      ['upstream_requests_total', 'COUNTER'],
      ['upstream_retries_total', 'COUNTER'],
      ['upstream_circuit_breaker_state', 'GAUGE'],
      ['backfill_series_last_success_timestamp_seconds', 'GAUGE'],
      ['data_bars', 'GAUGE'],
      ['data_open_gaps', 'GAUGE'],
      ['process_resident_memory_bytes', 'GAUGE'],
      ['nodejs_heap_size_used_bytes', 'GAUGE'],
      ['nodejs_eventloop_lag_p99_seconds', 'GAUGE'],
      ['nodejs_gc_duration_seconds', 'HISTOGRAM'],
    ]) {
      expect([name, families.get(name)]).toEqual([name, type]);
    }
    for (const s of samples) expect([s.name, Number.isNaN(s.value)]).toEqual([s.name, false]);
    const pool = samples.filter((s) => s.name === 'db_pool_connections');
    expect(pool.map((s) => s.labels.state).sort()).toEqual(['idle', 'total', 'waiting']);
    expect(pool.find((s) => s.labels.state === 'total')!.value).toBeGreaterThanOrEqual(1);
    const reads = samples.filter((s) => s.name === 'db_read_pool_connections');
    expect(reads.map((s) => s.labels.state).sort()).toEqual(['idle', 'total', 'waiting']);
  });

  it('moves the request counter with every request', async () => {
    const before = requestCount((await scrape()).samples, '/ready');
    await request(t.url).get('/ready').expect(200);
    await request(t.url).get('/ready').expect(200);
    await request(t.url).get('/ready').expect(200);
    const after = requestCount((await scrape()).samples, '/ready');
    expect(after - before).toBe(3);
  });

  it('puts requests for different symbols into one route series', async () => {
    await request(t.url).get('/__metrics-probe/items/ABC').expect(200);
    await request(t.url).get('/__metrics-probe/items/XYZ').expect(200);
    const { text, samples } = await scrape();
    expect(text).not.toContain('items/ABC');
    expect(text).not.toContain('items/XYZ');
    expect(requestCount(samples, ITEM_ROUTE)).toBeGreaterThanOrEqual(2);
    const series = samples.filter(
      (s) => s.name === 'http_requests_total' && s.labels.route === ITEM_ROUTE,
    );
    expect(series).toHaveLength(1);
    expect(series[0].labels).toEqual({ method: 'GET', route: ITEM_ROUTE, status_class: '2xx' });
  });

  it('folds unmatched paths into a single series', async () => {
    const before = requestCount((await scrape()).samples, 'unmatched', '4xx');
    await request(t.url).get('/no/such/path/one').expect(404);
    await request(t.url).get('/no/such/path/two').expect(404);
    const { text, samples } = await scrape();
    expect(text).not.toContain('/no/such/path');
    expect(requestCount(samples, 'unmatched', '4xx') - before).toBe(2);
  });

  it('counts 5xx responses as errors', async () => {
    const errors = async () =>
      (await scrape()).samples
        .filter(
          (s) =>
            s.name === 'http_request_errors_total' && s.labels.route === '/__metrics-probe/boom',
        )
        .reduce((sum, s) => sum + s.value, 0);
    const before = await errors();
    await request(t.url).get('/__metrics-probe/boom').expect(500);
    expect((await errors()) - before).toBe(1);
    const json = await request(t.url).get('/api/v1/metrics').expect(200);
    const route = json.body.requests.routes.find(
      (r: { route: string }) => r.route === '/__metrics-probe/boom',
    );
    expect(route).toMatchObject({ method: 'GET', errors: before + 1 });
  });

  it('reports JSON percentiles that match the Prometheus histogram', async () => {
    // Spread latencies over several buckets so interpolation matters.
    for (const ms of [0, 0, 5, 20, 60, 120]) {
      await request(t.url).get(`/__probe/slow?ms=${ms}`).expect(200);
    }
    // Neither scrape adds to /__probe/slow, so both read the same observations.
    const { samples } = await scrape();
    const json = (await request(t.url).get('/api/v1/metrics').expect(200)).body;

    const buckets = samples.filter(
      (s) =>
        s.name === 'http_request_duration_seconds_bucket' && s.labels.route === '/__probe/slow',
    );
    expect(buckets.every((s) => s.labels.status_class === '2xx')).toBe(true);
    const cumulative = [...HTTP_BUCKETS_SECONDS.map(String), '+Inf'].map(
      (le) => buckets.find((s) => s.labels.le === le)!.value,
    );
    const perBucket = cumulative.map((c, i) => c - (i > 0 ? cumulative[i - 1] : 0));
    const route = json.requests.routes.find((r: { route: string }) => r.route === '/__probe/slow');
    expect(route.count).toBe(cumulative[cumulative.length - 1]);
    expect(route.count).toBe(6);
    for (const [q, key] of [
      [0.5, 'p50Ms'],
      [0.95, 'p95Ms'],
      [0.99, 'p99Ms'],
    ] as const) {
      const expected = histogramQuantile(q, HTTP_BUCKETS_SECONDS, perBucket)! * 1000;
      expect(route[key]).toBeCloseTo(expected, 2);
    }
    // The slowest request waited 120 ms: p99 cannot be below the bucket holding it.
    expect(route.p99Ms).toBeGreaterThan(100);
    expect(route.p50Ms).toBeLessThanOrEqual(route.p95Ms);
  });

  it('answers /api/v1/metrics with totals, database, cache, backfill, data and process figures', async () => {
    const res = await request(t.url).get('/api/v1/metrics').expect(200);
    const body = res.body;
    expect(body.requests.count).toBeGreaterThan(0);
    expect(body.requests.count).toBe(
      body.requests.routes.reduce((sum: number, r: { count: number }) => sum + r.count, 0),
    );
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(body.cache).toEqual({
      hits: expect.any(Number),
      misses: expect.any(Number),
      hitRate: body.cache.hits + body.cache.misses > 0 ? expect.any(Number) : null,
    });
    expect(body.database.pool.total).toBeGreaterThanOrEqual(1);
    // /metrics itself reads the data totals through a timed repository method.
    expect(body.database.methods.map((m: { method: string }) => m.method)).toContain(
      'MetricsRepository.readDataTotals',
    );
    expect(body.database.p95Ms).toBeGreaterThan(0);
    expect(body.backfill).toMatchObject({
      runs: expect.any(Object),
      barsWritten: expect.any(Number),
    });
    expect(body.data).toEqual({
      bars: expect.any(Number),
      openGaps: expect.any(Number),
      activeSymbols: expect.any(Number),
    });
    expect(body.process.rssBytes).toBeGreaterThan(body.process.heapUsedBytes);
  });

  it('reports the bar-read pool separately, with the connection a bar read opened', async () => {
    await request(t.url).get('/api/v1/historical/NOPE?timeframe=1d').expect(404);
    const body = (await request(t.url).get('/api/v1/metrics').expect(200)).body;
    expect(body.database.readPool).toEqual({
      total: expect.any(Number),
      idle: expect.any(Number),
      waiting: 0,
    });
    expect(body.database.readPool.total).toBeGreaterThanOrEqual(1);
    const { samples } = await scrape();
    const total = samples.find(
      (s) => s.name === 'db_read_pool_connections' && s.labels.state === 'total',
    );
    expect(total!.value).toBe(body.database.readPool.total);
  });

  it('reports open gaps from the database', async () => {
    const before = (await request(t.url).get('/api/v1/metrics').expect(200)).body.data.openGaps;
    await t.dataSource.query(
      `INSERT INTO data_gaps (symbol, timeframe, from_ts, to_ts, status)
       VALUES ('GAPX', '1d', '2024-01-02', '2024-01-03', 'open'),
              ('GAPX', '1d', '2024-02-02', '2024-02-03', 'repaired')`,
    );
    const after = (await request(t.url).get('/api/v1/metrics').expect(200)).body.data.openGaps;
    expect(after - before).toBe(1);
    const { samples } = await scrape();
    expect(samples.find((s) => s.name === 'data_open_gaps')!.value).toBe(after);
  });

  it('documents both endpoints in the OpenAPI document', async () => {
    const doc = (await request(t.url).get('/docs-json').expect(200)).body;
    expect(doc.paths['/metrics'].get.responses).toHaveProperty('403');
    expect(doc.paths['/api/v1/metrics'].get.responses['200']).toBeDefined();
  });
});

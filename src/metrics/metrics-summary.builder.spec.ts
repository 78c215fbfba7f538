import { AggregatorRegistry, Registry } from 'prom-client';

import { HttpRequestHistogram } from './http-request-histogram';
import { httpRequests, registry } from './instruments';
import {
  httpSeriesFromSamples,
  Sample,
  summarizeBackfill,
  summarizeCache,
  summarizeRequests,
} from './metrics-summary.builder';

describe('summarizeRequests', () => {
  it('merges status classes per route and counts errors apart from client errors', () => {
    const h = new HttpRequestHistogram();
    for (let i = 0; i < 8; i++) h.observe('GET', '/a/:id', 200, 0.002);
    h.observe('GET', '/a/:id', 404, 0.001);
    h.observe('GET', '/a/:id', 500, 0.3);
    h.observe('POST', '/b', 201, 0.02);
    const summary = summarizeRequests(h.series());
    expect(summary).toMatchObject({ count: 11, errors: 1, clientErrors: 1 });
    expect(summary.routes[0]).toMatchObject({
      method: 'GET',
      route: '/a/:id',
      count: 10,
      errors: 1,
      clientErrors: 1,
    });
    // 8 of 10 in (1 ms, 2.5 ms]: the median interpolates inside that bucket.
    expect(summary.routes[0].p50Ms).toBeGreaterThan(1);
    expect(summary.routes[0].p50Ms).toBeLessThanOrEqual(2.5);
    // The 500 took 300 ms: p99 lies in (250 ms, 500 ms].
    expect(summary.routes[0].p99Ms).toBeGreaterThan(250);
    expect(summary.routes[0].p99Ms).toBeLessThanOrEqual(500);
  });

  it('answers null percentiles before any request', () => {
    expect(summarizeRequests([])).toEqual({
      count: 0,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      errors: 0,
      clientErrors: 0,
      routes: [],
    });
  });
});

describe('summarizeCache and summarizeBackfill', () => {
  it('computes the hit rate', () => {
    expect(
      summarizeCache([
        { labels: { cache: 'bars', result: 'hit' }, value: 3 },
        { labels: { cache: 'bars', result: 'miss' }, value: 1 },
      ]),
    ).toEqual({ hits: 3, misses: 1, hitRate: 0.75 });
    expect(summarizeCache([]).hitRate).toBeNull();
  });

  it('names circuit states and reports the newest successful series run', () => {
    const summary = summarizeBackfill({
      runs: [{ labels: { status: 'succeeded' }, value: 2 }],
      barsWritten: [{ labels: {}, value: 500 }],
      upstreamRequests: [{ labels: { provider: 'polygon', outcome: 'ok' }, value: 7 }],
      upstreamRetries: [{ labels: { provider: 'polygon' }, value: 1 }],
      circuitBreakers: [
        { labels: { provider: 'polygon', endpoint: 'aggregates' }, value: 0 },
        { labels: { provider: 'polygon', endpoint: 'reference' }, value: 2 },
      ],
      lastSuccess: [
        { labels: { symbol: 'A', timeframe: '1d' }, value: 1_700_000_000 },
        { labels: { symbol: 'B', timeframe: '1d' }, value: 1_700_000_100 },
      ],
    });
    expect(summary).toEqual({
      runs: { succeeded: 2 },
      barsWritten: 500,
      upstreamRequests: { polygon: { ok: 7 } },
      upstreamRetries: { polygon: 1 },
      circuitBreakers: { polygon: 'closed', 'polygon:reference': 'open' },
      lastSuccessAt: new Date(1_700_000_100_000).toISOString(),
    });
  });
});

describe('httpSeriesFromSamples', () => {
  async function exposedSamples(
    reg: Pick<Registry, 'getSingleMetric'> = registry,
  ): Promise<Sample[]> {
    return (await reg.getSingleMetric('http_request_duration_seconds')!.get()).values;
  }

  it('reads back from the exposed histogram exactly what the live series hold', async () => {
    httpRequests.observe('GET', '/roundtrip/:id', 200, 0.0004);
    httpRequests.observe('GET', '/roundtrip/:id', 200, 0.03);
    httpRequests.observe('GET', '/roundtrip/:id', 503, 12);
    httpRequests.observe('DELETE', '/roundtrip/:id', 204, 0.002);
    const back = summarizeRequests(httpSeriesFromSamples(await exposedSamples()));
    expect(back).toEqual(summarizeRequests(httpRequests.series()));
  });

  it('sums the series of several workers once AggregatorRegistry has merged them', async () => {
    const worker = await registry.getMetricsAsJSON();
    const merged = AggregatorRegistry.aggregate([worker, worker, worker]);
    const one = summarizeRequests(httpRequests.series());
    const three = summarizeRequests(httpSeriesFromSamples(await exposedSamples(merged)));
    expect(three.count).toBe(3 * one.count);
    expect(three.errors).toBe(3 * one.errors);
    expect(three.p50Ms).toBe(one.p50Ms);
  });
});

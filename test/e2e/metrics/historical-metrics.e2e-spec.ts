import request from 'supertest';

import { BarsCache } from '../../../src/bars/cache/bars-cache';
import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';
import { parsePrometheusSamples, PromSample } from './prometheus-samples';

const ROUTE = '/api/v1/historical/:symbol';
const DAY = 86_400_000;

function sum(samples: PromSample[], name: string, labels: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}

describe('metrics of the bar query', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [
      { symbol: 'ABC', assetClass: 'crypto', timeframes: ['1d'] },
      { symbol: 'XYZ', assetClass: 'crypto', timeframes: ['1d'] },
    ]);
    const from = Date.UTC(2024, 0, 1);
    await insertBars(t.dataSource, 'ABC', '1d', makeBars(from, 20, DAY, { seed: 1 }));
    await insertBars(t.dataSource, 'XYZ', '1d', makeBars(from, 20, DAY, { seed: 2 }));
  });
  afterAll(() => t.close());

  async function samples(): Promise<PromSample[]> {
    return parsePrometheusSamples((await request(t.url).get('/metrics').expect(200)).text);
  }

  it('puts /api/v1/historical/ABC and /XYZ into one route series', async () => {
    const before = sum(await samples(), 'http_requests_total', { route: ROUTE });
    const query = '?timeframe=1d&start=2024-01-01&end=2024-01-31';
    expect(
      (await request(t.url).get(`/api/v1/historical/ABC${query}`).expect(200)).body.count,
    ).toBe(20);
    await request(t.url).get(`/api/v1/historical/XYZ${query}`).expect(200);
    await request(t.url).get(`/api/v1/historical/NOPE${query}`).expect(404);
    const after = await samples();
    expect(sum(after, 'http_requests_total', { route: ROUTE }) - before).toBe(3);
    const routes = new Set(
      after
        .filter((s) => s.name === 'http_requests_total')
        .map((s) => s.labels.route)
        .filter((route) => route.startsWith('/api/v1/historical')),
    );
    expect([...routes]).toEqual([ROUTE]);
    expect(sum(after, 'http_requests_total', { route: ROUTE, status_class: '4xx' })).toBe(1);
  });

  it('counts read-cache hits and misses and reports the hit rate', async () => {
    const query = '?timeframe=1d&start=2024-01-02&end=2024-01-20';
    const before = await samples();
    const hitsBefore = sum(before, 'cache_requests_total', { cache: 'bars', result: 'hit' });
    const missesBefore = sum(before, 'cache_requests_total', { cache: 'bars', result: 'miss' });
    await request(t.url).get(`/api/v1/historical/ABC${query}`).expect(200);
    await request(t.url).get(`/api/v1/historical/ABC${query}`).expect(200);
    await request(t.url).get(`/api/v1/historical/ABC${query}`).expect(200);
    const after = await samples();
    const hits = sum(after, 'cache_requests_total', { cache: 'bars', result: 'hit' });
    const misses = sum(after, 'cache_requests_total', { cache: 'bars', result: 'miss' });
    expect(misses - missesBefore).toBeGreaterThanOrEqual(1);
    expect(hits - hitsBefore).toBeGreaterThanOrEqual(1);

    // The cache holds that body: the gauge says how much it holds.
    const held = t.app.get(BarsCache).memoryBytes;
    expect(held).toBeGreaterThan(0);
    expect(sum(after, 'cache_memory_bytes', { cache: 'bars' })).toBe(held);

    const json = (await request(t.url).get('/api/v1/metrics').expect(200)).body;
    expect(json.cache.hits).toBe(hits);
    expect(json.cache.misses).toBe(misses);
    expect(json.cache.hitRate).toBeCloseTo(hits / (hits + misses), 3);
  });

  it('times the bar queries by repository method', async () => {
    const json = (await request(t.url).get('/api/v1/metrics').expect(200)).body;
    const methods = json.database.methods.map((m: { method: string }) => m.method);
    expect(methods.some((m: string) => m.startsWith('BarsRepository.'))).toBe(true);
    const scraped = await samples();
    const count = sum(scraped, 'db_query_duration_seconds_count', {});
    expect(count).toBeGreaterThanOrEqual(json.database.count);
  });

  it('reports the stored bars', async () => {
    const json = (await request(t.url).get('/api/v1/metrics').expect(200)).body;
    expect(json.data.bars).toBe(40);
    expect(json.data.activeSymbols).toBe(2);
  });
});

import request from 'supertest';

import { backfill, storedBars } from '../e2e/backfill/backfill-helpers';
import { createApiKey } from '../factories/api-keys';
import { insertSymbols } from '../factories/symbols';
import { FakePolygon, startFakePolygon } from '../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../fake-polygon/fake-polygon-env';
import { startTestApp, TestApp } from '../support/test-app';

const FROM = '2024-01-02';
const TO = '2024-01-05';

/**
 * Item 11 (bad bars): bars with impossible values are rejected one by one, counted on the run
 * and its series, never written, while the rest of their page is; a merely inconsistent bar
 * (high < low) is stored flagged and never served to validatedOnly=true; the other series
 * complete.
 */
describe('impossible and inconsistent bars from upstream', () => {
  let fake: FakePolygon;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    fake = await startFakePolygon({ pageSize: 500 });
    t = await startTestApp({ env: { ...fakePolygonEnv(fake), CACHE_TTL_SECONDS: '0' } });
    admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL', timeframes: ['1m'] },
      { symbol: 'MSFT', timeframes: ['1m'] },
    ]);
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('drops the impossible bars, keeps their page, flags the inconsistent one', async () => {
    const upstream = fake.expectedBars('AAPL', '1m', FROM, TO);
    // All three in the first page of 500 bars, between good ones.
    const negative = upstream[10].ts;
    const infinite = upstream[11].ts;
    const inconsistent = upstream[12].ts;
    fake.corruptBar('AAPL', negative, 'negative-volume');
    fake.corruptBar('AAPL', infinite, 'infinite-price');
    fake.corruptBar('AAPL', inconsistent, 'high-below-low');

    const run = await backfill(t.url, admin, { timeframes: ['1m'], from: FROM, to: TO });

    expect(run.status).toBe('succeeded');
    expect(run.barsRejected).toBe(2);
    const aapl = run.series.find((s) => s.symbol === 'AAPL')!;
    expect(aapl).toMatchObject({ status: 'succeeded', barsRejected: 2 });
    expect(run.series.find((s) => s.symbol === 'MSFT')).toMatchObject({
      status: 'succeeded',
      barsRejected: 0,
    });

    const stored = await storedBars(t.dataSource, 'AAPL', '1m');
    expect(stored).toHaveLength(upstream.length - 2);
    const storedTimes = new Set(stored.map((b) => b.ts));
    expect(storedTimes.has(negative)).toBe(false);
    expect(storedTimes.has(infinite)).toBe(false);
    expect(storedTimes.has(inconsistent)).toBe(true);
    expect(storedTimes.has(upstream[9].ts)).toBe(true);
    expect(storedTimes.has(upstream[13].ts)).toBe(true);
    expect(await storedBars(t.dataSource, 'MSFT', '1m')).toHaveLength(
      fake.expectedBars('MSFT', '1m', FROM, TO).length,
    );

    const flagged: { flags: string[]; validated: boolean }[] = await t.dataSource.query(
      `SELECT flags, validated FROM bars WHERE symbol = 'AAPL' AND timeframe = '1m' AND ts = $1`,
      [new Date(inconsistent)],
    );
    expect(flagged[0].flags).toContain('high_below_low');
    expect(flagged[0].validated).toBe(false);

    const window = `start=${new Date(inconsistent - 60_000).toISOString()}&end=${new Date(inconsistent + 60_000).toISOString()}`;
    const all = await request(t.url).get(`/api/v1/historical/AAPL?timeframe=1m&${window}`);
    const validated = await request(t.url).get(
      `/api/v1/historical/AAPL?timeframe=1m&${window}&validatedOnly=true`,
    );
    const times = (res: request.Response): string[] =>
      (res.body.bars as { timestamp: string }[]).map((b) => b.timestamp);
    expect(all.status).toBe(200);
    expect(times(all)).toContain(new Date(inconsistent).toISOString());
    expect(validated.status).toBe(200);
    expect(times(validated)).not.toContain(new Date(inconsistent).toISOString());
    expect(times(validated).length).toBe(times(all).length - 1);
  });
});

import { tableFromIPC } from 'apache-arrow';
import request from 'supertest';

import type { Bar } from '../../../src/market/bar';
import { createApiKey } from '../../factories/api-keys';
import { insertSymbols } from '../../factories/symbols';
import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../../fake-polygon/fake-polygon-env';
import type { ServedBar } from '../../support/served-bar';
import { startTestApp, TestApp } from '../../support/test-app';
import { backfill } from '../backfill/backfill-helpers';

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

/**
 * NYSE's published hours for the days read here, typed in (UTC) rather than taken from the
 * calendar code: regular 09:30–16:00 New York, 13:00 on the day after Thanksgiving; extended
 * from 04:00 and to 20:00; Thanksgiving itself closed; New York on EST until 2024-03-10, EDT
 * from then until 2024-11-03.
 */
const REGULAR: [number, number][] = [
  [at('2024-03-07T14:30:00Z'), at('2024-03-07T21:00:00Z')],
  [at('2024-03-08T14:30:00Z'), at('2024-03-08T21:00:00Z')],
  [at('2024-03-11T13:30:00Z'), at('2024-03-11T20:00:00Z')],
  [at('2024-03-12T13:30:00Z'), at('2024-03-12T20:00:00Z')],
  [at('2024-11-26T14:30:00Z'), at('2024-11-26T21:00:00Z')],
  [at('2024-11-27T14:30:00Z'), at('2024-11-27T21:00:00Z')],
  [at('2024-11-29T14:30:00Z'), at('2024-11-29T18:00:00Z')],
];
/** Pre-market opens 5.5 h before 09:30, post-market closes at 20:00 (the day's 16:00 + 4 h). */
const EXTENDED: [number, number][] = REGULAR.flatMap(([open, close]) => {
  const midnight = open - 9.5 * HOUR;
  return [
    [midnight + 4 * HOUR, open],
    [close, midnight + 20 * HOUR],
  ] as [number, number][];
});
const inside = (windows: [number, number][]) => (bar: Bar) =>
  windows.some(([from, to]) => bar.ts >= from && bar.ts < to);

const served = (bar: Bar): ServedBar => ({
  timestamp: new Date(bar.ts).toISOString(),
  open: bar.open,
  high: bar.high,
  low: bar.low,
  close: bar.close,
  volume: bar.volume,
  vwap: bar.vwap,
  trades: bar.trades,
});

/** The API's aggregation rules over the given minutes, in fixed UTC buckets. */
function aggregate(bars: Bar[], bucketMs: number): ServedBar[] {
  const groups = new Map<number, Bar[]>();
  for (const bar of bars) {
    const key = Math.floor(bar.ts / bucketMs) * bucketMs;
    groups.set(key, [...(groups.get(key) ?? []), bar]);
  }
  return [...groups].map(([start, group]) => {
    const volume = group.reduce((sum, b) => sum + b.volume, 0);
    return {
      timestamp: new Date(start).toISOString(),
      open: group[0].open,
      high: Math.max(...group.map((b) => b.high)),
      low: Math.min(...group.map((b) => b.low)),
      close: group[group.length - 1].close,
      volume,
      vwap: group.reduce((sum, b) => sum + b.vwap! * b.volume, 0) / volume,
      trades: group.reduce((sum, b) => sum + b.trades!, 0),
    };
  });
}

function expectSameBars(actual: ServedBar[], expected: ServedBar[]): void {
  expect(actual.map((b) => b.timestamp)).toEqual(expected.map((b) => b.timestamp));
  actual.forEach((bar, i) => {
    expect({ ...bar, vwap: 0 }).toEqual({ ...expected[i], vwap: 0 });
    expect(bar.vwap).toBeCloseTo(expected[i].vwap!, 6);
  });
}

/**
 * `session=regular|extended` through the whole stack: minute bars with extended hours from the
 * fake Polygon server, backfilled, then read with each session across a half day, a holiday and
 * a daylight-saving change, in every read shape.
 */
describe('session filters', () => {
  let fake: FakePolygon;
  let t: TestApp;
  let minutes: Bar[];

  const get = (path: string) => request(t.url).get(path);
  const bars = async (path: string): Promise<ServedBar[]> => {
    const res = await get(path).expect(200);
    return res.body.bars;
  };

  beforeAll(async () => {
    fake = await startFakePolygon({
      extendedHours: true,
      now: () => Date.parse('2024-12-10T00:00:00Z'),
    });
    t = await startTestApp({ env: fakePolygonEnv(fake) });
    const admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL', timeframes: ['1m'] },
      { symbol: 'MSFT', timeframes: ['1m'] },
      { symbol: 'X:BTCUSD', assetClass: 'crypto', timeframes: ['1d'] },
      { symbol: 'C:EURUSD', assetClass: 'forex', timeframes: ['1d'] },
    ]);
    for (const [from, to] of [
      ['2024-03-07', '2024-03-12'],
      ['2024-11-26', '2024-11-29'],
    ]) {
      const run = await backfill(t.url, admin, { from, to, timeframes: ['1m'] });
      expect(run.status).toBe('succeeded');
    }
    minutes = [
      ...fake.expectedBars('AAPL', '1m', '2024-03-07', '2024-03-12'),
      ...fake.expectedBars('AAPL', '1m', '2024-11-26', '2024-11-29'),
    ];
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('serves what upstream sent, extended hours included, with session=all', async () => {
    const all = await bars(
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-11-26&end=2024-11-30T05:00:00Z',
    );
    // Three session days of 16 hours (04:00–20:00); Thanksgiving has none.
    expect(all).toHaveLength(3 * 16 * 60);
  });

  it('regular: 09:30–16:00 New York, 13:00 on the half day, nothing on the holiday', async () => {
    const regular = await bars(
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-11-26&end=2024-11-30&session=regular',
    );
    const expected = minutes
      .filter((b) => b.ts >= at('2024-11-26T00:00:00Z') && b.ts < at('2024-12-01T00:00:00Z'))
      .filter(inside(REGULAR));
    expect(expected).toHaveLength(390 + 390 + 210);
    expectSameBars(regular, expected.map(served));
    const halfDay = regular.filter((b) => b.timestamp.startsWith('2024-11-29'));
    expect(halfDay[0].timestamp).toBe('2024-11-29T14:30:00.000Z');
    expect(halfDay[halfDay.length - 1].timestamp).toBe('2024-11-29T17:59:00.000Z');
    // A range without a session day (Thanksgiving, then a weekend) has no bars in either session.
    for (const session of ['regular', 'extended']) {
      for (const range of [
        'start=2024-11-28T05:00:00Z&end=2024-11-29T04:59:59Z',
        'start=2024-03-09T05:00:00Z&end=2024-03-11T03:59:59Z',
      ]) {
        expect(
          await bars(`/api/v1/historical/AAPL?timeframe=1m&${range}&session=${session}`),
        ).toEqual([]);
      }
    }
  });

  it('extended: only pre-market from 04:00 and post-market to 20:00, from 13:00 on the half day', async () => {
    const extended = await bars(
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-11-29&end=2024-11-30T05:00:00Z&session=extended',
    );
    expect(extended).toHaveLength(330 + 420);
    expect(extended.map((b) => b.timestamp)).toEqual(
      minutes
        .filter((b) => b.ts >= at('2024-11-29T00:00:00Z') && b.ts < at('2024-11-30T05:00:00Z'))
        .filter(inside(EXTENDED))
        .map((b) => new Date(b.ts).toISOString()),
    );
    expect(extended.some((b) => b.timestamp === '2024-11-29T17:59:00.000Z')).toBe(false);
    expect(extended.some((b) => b.timestamp === '2024-11-29T18:00:00.000Z')).toBe(true);
    expect(extended[extended.length - 1].timestamp).toBe('2024-11-30T00:59:00.000Z');
  });

  it('regular and extended partition every bar of a session day', async () => {
    const range = 'timeframe=1m&start=2024-03-07&end=2024-03-13T05:00:00Z';
    const [all, regular, extended] = await Promise.all(
      ['all', 'regular', 'extended'].map((s) =>
        bars(`/api/v1/historical/AAPL?${range}&session=${s}`),
      ),
    );
    expect(regular.length + extended.length).toBe(all.length);
    expect([...regular, ...extended].map((b) => b.timestamp).sort()).toEqual(
      all.map((b) => b.timestamp),
    );
  });

  it('aggregates only the session’s minutes, across the daylight-saving change', async () => {
    const hourly = await bars(
      '/api/v1/historical/AAPL?timeframe=1h&start=2024-03-08&end=2024-03-12T04:00:00Z&session=regular',
    );
    const expected = aggregate(
      minutes
        .filter((b) => b.ts >= at('2024-03-08T00:00:00Z') && b.ts < at('2024-03-12T04:00:00Z'))
        .filter(inside(REGULAR)),
      HOUR,
    );
    // EST: 14:00 (from 14:30) to 20:00 UTC; EDT after the change: 13:00 (from 13:30) to 19:00.
    expect(expected.map((b) => b.timestamp)).toEqual([
      ...[14, 15, 16, 17, 18, 19, 20].map((h) => `2024-03-08T${h}:00:00.000Z`),
      ...[13, 14, 15, 16, 17, 18, 19].map((h) => `2024-03-11T${h}:00:00.000Z`),
    ]);
    expectSameBars(hourly, expected);
  });

  it('aggregates a half day’s extended hours into 5-minute bars', async () => {
    const fiveMinutes = await bars(
      '/api/v1/historical/AAPL?timeframe=5m&start=2024-11-29&end=2024-11-30T05:00:00Z&session=extended',
    );
    const expected = aggregate(
      minutes
        .filter((b) => b.ts >= at('2024-11-29T00:00:00Z') && b.ts < at('2024-11-30T05:00:00Z'))
        .filter(inside(EXTENDED)),
      5 * 60_000,
    );
    expect(expected).toHaveLength((330 + 420) / 5);
    expectSameBars(fiveMinutes, expected);
  });

  it('pages with a cursor through the same bars as one page', async () => {
    const path =
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-11-26&end=2024-11-30&session=regular';
    const whole = await bars(path);
    const paged: ServedBar[] = [];
    let next: string | null = `${path}&limit=400`;
    while (next) {
      const res: request.Response = await get(next).expect(200);
      paged.push(...res.body.bars);
      next = res.body.nextCursor
        ? `${path}&limit=400&cursor=${encodeURIComponent(res.body.nextCursor)}`
        : null;
    }
    expect(paged).toEqual(whole);
    // A cursor belongs to its session.
    const first = await get(`${path}&limit=400`).expect(200);
    await get(
      `${path.replace('regular', 'all')}&limit=400&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    ).expect(400);
  });

  it('filters multi-symbol pages, CSV and Arrow answers and the latest bar alike', async () => {
    const range = 'timeframe=15m&start=2024-11-27&end=2024-11-30&session=regular';
    const single = await bars(`/api/v1/historical/AAPL?${range}`);
    const multi = await get(`/api/v1/historical?symbols=MSFT,AAPL&${range}`).expect(200);
    expect(multi.body.bars.AAPL).toEqual(single);
    expect(multi.body.bars.MSFT).toHaveLength(single.length);

    const csv = await get(`/api/v1/historical/AAPL?${range}&format=csv`).expect(200);
    const lines = csv.text.trim().split('\n').slice(1);
    expect(lines.map((line) => new Date(line.split(',')[0]).toISOString())).toEqual(
      single.map((b) => b.timestamp),
    );

    const arrow = await get(`/api/v1/historical/AAPL?${range}&format=arrow`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const table = tableFromIPC(arrow.body as Buffer);
    expect(table.toArray().map((row) => new Date(row.timestamp as number).toISOString())).toEqual(
      single.map((b) => b.timestamp),
    );

    const latest = async (query: string) =>
      (await get(`/api/v1/historical/AAPL/latest?${query}`).expect(200)).body.bar;
    expect((await latest('timeframe=1m')).timestamp).toBe('2024-11-30T00:59:00.000Z');
    expect((await latest('timeframe=1m&session=extended')).timestamp).toBe(
      '2024-11-30T00:59:00.000Z',
    );
    expect((await latest('timeframe=1m&session=regular')).timestamp).toBe(
      '2024-11-29T17:59:00.000Z',
    );
    const hour = await latest('timeframe=1h&session=regular');
    expectSameBars(
      [hour],
      aggregate(
        minutes.filter(
          (b) => b.ts >= at('2024-11-29T17:00:00Z') && b.ts < at('2024-11-29T18:00:00Z'),
        ),
        HOUR,
      ),
    );
  });

  it('keeps each session apart in the cache and in ETags', async () => {
    const path = '/api/v1/historical/AAPL?timeframe=30m&start=2024-11-27&end=2024-11-28';
    const all = await get(path).expect(200);
    const regular = await get(`${path}&session=regular`).expect(200);
    const again = await get(`${path}&session=regular`).expect(200);
    // 14:30–21:00 UTC; all: the 26th's last post-market hour (00:00–01:00 UTC), then 09:00 UTC
    // on the 27th to 01:00 UTC on the 28th.
    expect(regular.body.count).toBe(13);
    expect(all.body.count).toBe(2 + 32);
    expect(again.text).toBe(regular.text);
    expect(regular.headers.etag).not.toBe(all.headers.etag);
    const csvAll = await get(`${path}&format=csv`).expect(200);
    const csvRegular = await get(`${path}&format=csv&session=regular`).expect(200);
    expect(csvRegular.headers.etag).not.toBe(csvAll.headers.etag);
    await get(`${path}&format=csv&session=regular`)
      .set('If-None-Match', csvRegular.headers.etag)
      .expect(304);
  });

  it('refuses a session filter on crypto and forex, saying why; session=all stays fine', async () => {
    for (const symbol of ['X:BTCUSD', 'C:EURUSD']) {
      const res = await get(`/api/v1/historical/${symbol}?timeframe=1m&session=regular`).expect(
        400,
      );
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([
        {
          field: 'session',
          message: expect.stringMatching(
            /exchange-listed symbols only: .* trades around the clock/,
          ),
        },
      ]);
    }
    const crypto = await get('/api/v1/historical/X:BTCUSD?timeframe=1m&session=extended').expect(
      400,
    );
    expect(crypto.body.errors[0].message).toContain('X:BTCUSD is crypto');
    await get('/api/v1/historical/X:BTCUSD?timeframe=1m&session=all').expect(200);
    await get('/api/v1/historical/X:BTCUSD/latest?timeframe=1m&session=regular').expect(400);
    await get('/api/v1/historical/X:BTCUSD?timeframe=1m&session=regular&format=csv').expect(400);
    const multi = await get(
      '/api/v1/historical?symbols=AAPL,X:BTCUSD&timeframe=5m&session=regular',
    ).expect(400);
    expect(multi.body.errors).toEqual([
      { field: 'session', message: expect.stringContaining('X:BTCUSD is crypto') },
    ]);
    await get('/api/v1/historical/NOPE?timeframe=1m&session=regular').expect(404);
  });

  it('refuses a session filter on daily and longer timeframes, saying why', async () => {
    for (const path of [
      '/api/v1/historical/AAPL?timeframe=1d&session=regular',
      '/api/v1/historical/AAPL?session=extended',
      '/api/v1/historical/AAPL?timeframe=1w&session=regular&format=csv',
      '/api/v1/historical?symbols=AAPL,MSFT&timeframe=1mo&session=regular',
      '/api/v1/historical/AAPL/latest?session=regular',
    ]) {
      const res = await get(path).expect(400);
      expect(res.body.errors).toEqual([
        {
          field: 'session',
          message: expect.stringContaining('intraday timeframes (1m to 4h) only'),
        },
      ]);
    }
    const bad = await get('/api/v1/historical/AAPL?timeframe=1m&session=pre').expect(400);
    expect(bad.body.errors[0]).toEqual({
      field: 'session',
      message: 'must be one of all, regular, extended',
    });
  });
});

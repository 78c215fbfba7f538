import { DateTime } from 'luxon';
import request from 'supertest';

import { insertBars, makeBars, TestBar } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import type { ServedBar as Bucket } from '../../support/served-bar';
import { startTestApp, TestApp } from '../../support/test-app';

const NY = 'America/New_York';
const MINUTE = 60_000;

/** The aggregation rules of API.md, computed here in JavaScript, independently of the SQL. */
function aggregate(bars: TestBar[], bucketOf: (ts: number) => number): Bucket[] {
  const groups = new Map<number, TestBar[]>();
  for (const bar of [...bars].sort((a, b) => a.ts - b.ts)) {
    const key = bucketOf(bar.ts);
    const group = groups.get(key);
    if (group) group.push(bar);
    else groups.set(key, [bar]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, group]) => {
      const volume = group.reduce((sum, b) => sum + b.volume, 0);
      const allVwap = group.every((b) => b.vwap !== null);
      const allTrades = group.every((b) => b.trades !== null);
      return {
        timestamp: new Date(start).toISOString(),
        open: group[0].open,
        high: Math.max(...group.map((b) => b.high)),
        low: Math.min(...group.map((b) => b.low)),
        close: group[group.length - 1].close,
        volume,
        vwap:
          allVwap && volume > 0 ? group.reduce((s, b) => s + b.vwap! * b.volume, 0) / volume : null,
        trades: allTrades ? group.reduce((s, b) => s + b.trades!, 0) : null,
      };
    });
}

const fixed = (ms: number) => (ts: number) => Math.floor(ts / ms) * ms;
const local = (zone: string, unit: 'week' | 'month') => (ts: number) =>
  DateTime.fromMillis(ts, { zone }).startOf(unit).toMillis();
const fourHoursLocal = (zone: string) => (ts: number) => {
  const dt = DateTime.fromMillis(ts, { zone });
  return DateTime.fromObject(
    { year: dt.year, month: dt.month, day: dt.day, hour: Math.floor(dt.hour / 4) * 4 },
    { zone },
  ).toMillis();
};

function expectBuckets(actual: Bucket[], expected: Bucket[]): void {
  expect(actual.map((b) => b.timestamp)).toEqual(expected.map((b) => b.timestamp));
  actual.forEach((bar, i) => {
    const want = expected[i];
    expect({ ...bar, volume: 0, vwap: 0 }).toEqual({ ...want, volume: 0, vwap: 0 });
    expect(bar.volume).toBeCloseTo(want.volume, 6);
    if (want.vwap === null) expect(bar.vwap).toBeNull();
    else expect(bar.vwap).toBeCloseTo(want.vwap, 8);
  });
}

/** Daily stock bars at New York midnight on weekdays (Polygon's convention). */
function nyDailyBars(from: string, days: number): TestBar[] {
  const stamps: number[] = [];
  for (
    let d = DateTime.fromISO(from, { zone: NY });
    stamps.length < days;
    d = d.plus({ days: 1 })
  ) {
    if (d.weekday <= 5) stamps.push(d.toMillis());
  }
  return makeBars(0, stamps.length, 1, { seed: 11, missingVwapEvery: 17 }).map((b, i) => ({
    ...b,
    ts: stamps[i],
  }));
}

describe('on-the-fly aggregation', () => {
  let t: TestApp;
  // 1m bars around the clock over the March 2024 DST switch (10 March in New York).
  const minuteStart = Date.UTC(2024, 2, 8, 0, 0);
  const minutes = makeBars(minuteStart, 5 * 1440, MINUTE, { seed: 5, missingVwapEvery: 997 });
  const daily = nyDailyBars('2023-11-20', 130);
  const cryptoDaily = makeBars(Date.UTC(2024, 0, 1), 120, 86_400_000, {
    seed: 9,
    fractionalVolume: true,
  });

  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL' },
      { symbol: 'X:BTCUSD', assetClass: 'crypto' },
    ]);
    await insertBars(t.dataSource, 'AAPL', '1m', minutes);
    await insertBars(t.dataSource, 'AAPL', '1d', daily);
    await insertBars(t.dataSource, 'X:BTCUSD', '1d', cryptoDaily);
  });
  afterAll(() => t.close());

  async function fetchAll(symbol: string, timeframe: string, start: string, end: string) {
    const res = await request(t.url)
      .get(`/api/v1/historical/${symbol}`)
      .query({ timeframe, start, end, limit: 50000 })
      .expect(200);
    expect(res.body.nextCursor).toBeNull();
    return res.body.bars as Bucket[];
  }

  it('serves 1m bars unchanged', async () => {
    const bars = await fetchAll('AAPL', '1m', '2024-03-08', '2024-03-12');
    expectBuckets(
      bars,
      aggregate(minutes, (ts) => ts),
    );
  });

  it.each([
    ['5m', 5],
    ['15m', 15],
    ['30m', 30],
    ['1h', 60],
  ])('aggregates %s buckets from 1m bars on the UTC clock', async (timeframe, size) => {
    const bars = await fetchAll('AAPL', timeframe, '2024-03-08', '2024-03-12');
    expectBuckets(bars, aggregate(minutes, fixed(size * MINUTE)));
  });

  it('aggregates 4h buckets from the exchange-local midnight, across a DST switch', async () => {
    const bars = await fetchAll('AAPL', '4h', '2024-03-08', '2024-03-12');
    const expected = aggregate(minutes, fourHoursLocal(NY));
    expectBuckets(bars, expected);
    // New York midnight is 05:00Z before the switch and 04:00Z after it.
    expect(bars.map((b) => b.timestamp)).toContain('2024-03-09T05:00:00.000Z');
    expect(bars.map((b) => b.timestamp)).toContain('2024-03-11T04:00:00.000Z');
  });

  it('aggregates 1w buckets starting Monday in the exchange time zone', async () => {
    const bars = await fetchAll('AAPL', '1w', '2023-11-20', '2024-06-30');
    const expected = aggregate(daily, local(NY, 'week'));
    expectBuckets(bars, expected);
    for (const bar of bars) {
      expect(DateTime.fromISO(bar.timestamp, { zone: NY }).weekday).toBe(1);
    }
  });

  it('aggregates 1mo buckets by the exchange-local calendar month', async () => {
    const bars = await fetchAll('AAPL', '1mo', '2023-11-01', '2024-06-30');
    expectBuckets(bars, aggregate(daily, local(NY, 'month')));
    expect(bars[1].timestamp).toBe('2023-12-01T05:00:00.000Z');
    expect(bars.map((b) => b.timestamp)).toContain('2024-04-01T04:00:00.000Z');
  });

  it('uses UTC weeks and months for crypto, with fractional volume', async () => {
    const weeks = await fetchAll('X:BTCUSD', '1w', '2024-01-01', '2024-06-30');
    expectBuckets(weeks, aggregate(cryptoDaily, local('UTC', 'week')));
    const months = await fetchAll('X:BTCUSD', '1mo', '2024-01-01', '2024-06-30');
    expectBuckets(months, aggregate(cryptoDaily, local('UTC', 'month')));
    expect(months[0].timestamp).toBe('2024-01-01T00:00:00.000Z');
  });

  it('gives a null vwap and trades to a bucket with a bar that lacks them', async () => {
    const weeks = await fetchAll('AAPL', '1w', '2023-11-20', '2024-06-30');
    expect(weeks.some((b) => b.vwap === null && b.trades === null)).toBe(true);
    expect(weeks.some((b) => b.vwap !== null)).toBe(true);
  });

  it('pages aggregated buckets with cursors, every bucket once', async () => {
    const expected = aggregate(minutes, fixed(15 * MINUTE)).map((b) => b.timestamp);
    for (const sort of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await request(t.url)
          .get('/api/v1/historical/AAPL')
          .query({
            timeframe: '15m',
            start: '2024-03-08',
            end: '2024-03-12',
            limit: 37,
            sort,
            ...(cursor ? { cursor } : {}),
          })
          .expect(200);
        seen.push(...res.body.bars.map((b: Bucket) => b.timestamp));
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(sort === 'asc' ? expected : [...expected].reverse());
    }
  });

  it('serves the latest bucket of an aggregated timeframe', async () => {
    const res = await request(t.url).get('/api/v1/historical/AAPL/latest?timeframe=1h').expect(200);
    const expected = aggregate(minutes, fixed(60 * MINUTE));
    expectBuckets([res.body.bar], [expected[expected.length - 1]]);
    const month = await request(t.url)
      .get('/api/v1/historical/AAPL/latest?timeframe=1mo')
      .expect(200);
    const months = aggregate(daily, local(NY, 'month'));
    expectBuckets([month.body.bar], [months[months.length - 1]]);
  });
});

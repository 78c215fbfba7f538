import request from 'supertest';

import { createApiKey } from '../../factories/api-keys';
import { insertSymbols } from '../../factories/symbols';
import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../../fake-polygon/fake-polygon-env';
import type { ServedBar as Bar } from '../../support/served-bar';
import { startTestApp, TestApp } from '../../support/test-app';
import { backfill } from '../backfill/backfill-helpers';

type Adjustment = 'raw' | 'split' | 'dividend' | 'all';

const HOUR = 3_600_000;
/** New York midnight in January (EST): when a corporate action's day starts. */
const nyMidnight = (day: string): number => Date.parse(`${day}T05:00:00Z`);

/**
 * Adjusted bars through the whole path: bars and corporate actions backfilled from the fake
 * Polygon server, read back with every adjustment and compared with values computed here by
 * hand from the raw bars and the actions (docs/adjustments.md): split — prices divided, volume
 * multiplied by the ratio of the splits after the bar; dividend — prices multiplied by
 * Π (1 − cash / close of the last trading day before the ex-date); aggregated timeframes
 * aggregate adjusted base bars; vwap adjusted like prices, trades never.
 */
describe('adjusted bars', () => {
  let fake: FakePolygon;
  let t: TestApp;
  let admin: string;
  const split = { execution_date: '2024-01-10', split_from: 1, split_to: 4 };
  // Before the split (on the old share basis), after it, and announced beyond the data.
  const dividends = [
    { ex_dividend_date: '2024-01-05', cash_amount: 2 },
    { ex_dividend_date: '2024-01-12', cash_amount: 0.5 },
    { ex_dividend_date: '2024-01-22', cash_amount: 0.25 },
  ];
  const RANGE = 'start=2024-01-02&end=2024-01-19';
  let raw1d: Bar[];
  let raw1m: Bar[];

  const get = async (path: string) => {
    const res = await request(t.url).get(path);
    expect(res.status).toBe(200);
    return res;
  };
  const bars = async (timeframe: string, adjustment: Adjustment, symbol = 'ADJ') =>
    (
      await get(
        `/api/v1/historical/${symbol}?timeframe=${timeframe}&${RANGE}&limit=50000&adjustment=${adjustment}`,
      )
    ).body.bars as Bar[];

  beforeAll(async () => {
    fake = await startFakePolygon({ splits: { ADJ: [split] }, dividends: { ADJ: dividends } });
    t = await startTestApp({ env: { ...fakePolygonEnv(fake), CACHE_TTL_SECONDS: '300' } });
    admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
    await insertSymbols(t.dataSource, [{ symbol: 'ADJ' }, { symbol: 'PLAIN' }]);
    const run = await backfill(t.url, admin, {
      symbols: ['ADJ', 'PLAIN'],
      from: '2024-01-02',
      to: '2024-01-19',
    });
    expect(run.status).toBe('succeeded');
    raw1d = await bars('1d', 'raw');
    raw1m = await bars('1m', 'raw');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  /** The close of the last daily bar before the day. */
  const closeBefore = (day: string): number =>
    raw1d.filter((b) => Date.parse(b.timestamp) < nyMidnight(day)).at(-1)!.close;

  /** A bar's split ratio and dividend factor: the products over the actions after it. */
  function factors(timestamp: string, splitsToo = true): { ratio: number; factor: number } {
    const ts = Date.parse(timestamp);
    let ratio = 1;
    let factor = 1;
    if (splitsToo && ts < nyMidnight(split.execution_date))
      ratio *= split.split_to / split.split_from;
    for (const d of dividends) {
      if (ts < nyMidnight(d.ex_dividend_date))
        factor *= 1 - d.cash_amount / closeBefore(d.ex_dividend_date);
    }
    return { ratio, factor };
  }

  function adjust(bar: Bar, adjustment: Adjustment): Bar {
    if (adjustment === 'raw') return bar;
    const f = factors(bar.timestamp);
    const ratio = adjustment === 'dividend' ? 1 : f.ratio;
    const factor = adjustment === 'split' ? 1 : f.factor;
    const price = (p: number) => (p / ratio) * factor;
    return {
      ...bar,
      open: price(bar.open),
      high: price(bar.high),
      low: price(bar.low),
      close: price(bar.close),
      volume: bar.volume * ratio,
      vwap: bar.vwap === null ? null : price(bar.vwap),
    };
  }

  /** Buckets of bars aggregated as the API does (first open, max high, min low, last close). */
  function aggregate(list: Bar[], bucketOf: (ts: number) => number): Bar[] {
    const groups = new Map<number, Bar[]>();
    for (const bar of list) {
      const key = bucketOf(Date.parse(bar.timestamp));
      groups.set(key, [...(groups.get(key) ?? []), bar]);
    }
    return [...groups].map(([key, group]) => {
      const volume = group.reduce((sum, b) => sum + b.volume, 0);
      return {
        timestamp: new Date(key).toISOString(),
        open: group[0].open,
        high: Math.max(...group.map((b) => b.high)),
        low: Math.min(...group.map((b) => b.low)),
        close: group.at(-1)!.close,
        volume,
        vwap: group.reduce((sum, b) => sum + b.vwap! * b.volume, 0) / volume,
        trades: group.reduce((sum, b) => sum + b.trades!, 0),
      };
    });
  }
  const weekOf = (ts: number): number => {
    const local = ts - 5 * HOUR; // EST: the day's New York date at 00:00 UTC
    const day = new Date(local).getUTCDay();
    return local - ((day + 6) % 7) * 24 * HOUR + 5 * HOUR;
  };
  const hourOf = (ts: number): number => Math.floor(ts / HOUR) * HOUR;

  function expectBars(actual: Bar[], expected: Bar[]): void {
    expect(actual.map((b) => b.timestamp)).toEqual(expected.map((b) => b.timestamp));
    actual.forEach((bar, i) => {
      const want = expected[i];
      for (const key of ['open', 'high', 'low', 'close', 'vwap'] as const) {
        expect(bar[key]).toBeCloseTo(want[key]!, 8);
      }
      expect(bar.volume).toBeCloseTo(want.volume, 6);
      expect(bar.trades).toBe(want.trades);
    });
  }

  it('holds raw bars across the split and the actions the adjustment uses', async () => {
    // The fake's raw prices drop on the execution date: the split is real in the raw bars.
    const before = raw1d.filter((b) => b.timestamp < '2024-01-10').at(-1)!;
    const after = raw1d.find((b) => b.timestamp >= '2024-01-10')!;
    expect(after.open / before.close).toBeCloseTo(0.25, 1);
    expect(raw1d.length).toBeGreaterThan(10);
    const actions = (await get('/api/v1/corporate-actions/ADJ')).body;
    expect(actions.splits).toHaveLength(1);
    expect(actions.dividends).toHaveLength(3);
  });

  it.each(['raw', 'split', 'dividend', 'all'] as Adjustment[])(
    'adjusts daily bars (%s) as computed by hand',
    async (adjustment) => {
      expectBars(
        await bars('1d', adjustment),
        raw1d.map((b) => adjust(b, adjustment)),
      );
    },
  );

  it('removes the split from the series: no 75% drop, and a steady adjusted close', async () => {
    const adjusted = await bars('1d', 'split');
    const before = adjusted.filter((b) => b.timestamp < '2024-01-10').at(-1)!;
    const after = adjusted.find((b) => b.timestamp >= '2024-01-10')!;
    expect(after.open / before.close).toBeGreaterThan(0.8);
    // A worked number: the day before the split, divided by 4 exactly.
    const rawBefore = raw1d.filter((b) => b.timestamp < '2024-01-10').at(-1)!;
    expect(before.close).toBe(rawBefore.close / 4);
    expect(before.volume).toBe(rawBefore.volume * 4);
  });

  it.each(['split', 'dividend', 'all'] as Adjustment[])(
    'aggregates adjusted days into weeks (%s)',
    async (adjustment) => {
      const expected = aggregate(
        raw1d.map((b) => adjust(b, adjustment)),
        weekOf,
      );
      expectBars(await bars('1w', adjustment), expected);
    },
  );

  it.each(['raw', 'split', 'dividend', 'all'] as Adjustment[])(
    'aggregates adjusted minutes into hours (%s)',
    async (adjustment) => {
      const expected = aggregate(
        raw1m.map((b) => adjust(b, adjustment)),
        hourOf,
      );
      expectBars(await bars('1h', adjustment), expected);
    },
  );

  it('adjusts minute bars from the same actions (the daily closes give the dividend factors)', async () => {
    expectBars(
      await bars('1m', 'all'),
      raw1m.map((b) => adjust(b, 'all')),
    );
  });

  it('writes the same adjusted values in CSV', async () => {
    for (const tf of ['1d', '1h']) {
      const res = await get(
        `/api/v1/historical/ADJ?timeframe=${tf}&${RANGE}&adjustment=all&format=csv`,
      );
      const [header, ...lines] = res.text.trim().split('\n');
      expect(header).toBe('timestamp,open,high,low,close,volume,vwap,trades');
      const json = await bars(tf, 'all');
      expect(lines).toHaveLength(json.length);
      lines.forEach((line, i) => {
        const [timestamp, ...values] = line.split(',');
        const bar = json[i];
        expect(timestamp).toBe(bar.timestamp);
        expect(values.map(Number)).toEqual([
          bar.open,
          bar.high,
          bar.low,
          bar.close,
          bar.volume,
          bar.vwap,
          bar.trades,
        ]);
      });
    }
  });

  it('adjusts the latest bar (a dividend announced beyond the data applies to it)', async () => {
    for (const [tf, list] of [
      ['1d', raw1d.map((b) => adjust(b, 'all'))],
      [
        '1w',
        aggregate(
          raw1d.map((b) => adjust(b, 'all')),
          weekOf,
        ),
      ],
      [
        '1h',
        aggregate(
          raw1m.map((b) => adjust(b, 'all')),
          hourOf,
        ),
      ],
    ] as const) {
      const latest = (await get(`/api/v1/historical/ADJ/latest?timeframe=${tf}&adjustment=all`))
        .body.bar as Bar;
      expectBars([latest], [list.at(-1)!]);
      const raw = (await get(`/api/v1/historical/ADJ/latest?timeframe=${tf}`)).body.bar as Bar;
      expect(latest.close).toBeLessThan(raw.close);
    }
  });

  it('adjusts each symbol of a multi-symbol page by its own actions', async () => {
    const res = await get(
      `/api/v1/historical?symbols=ADJ,PLAIN&timeframe=1d&${RANGE}&adjustment=all`,
    );
    expectBars(
      res.body.bars.ADJ,
      raw1d.map((b) => adjust(b, 'all')),
    );
    expect(res.body.bars.PLAIN).toEqual(await bars('1d', 'raw', 'PLAIN'));
  });

  it('answers a split announced after a page was cached with the new factors', async () => {
    const path = `/api/v1/historical/ADJ?timeframe=1d&${RANGE}&adjustment=split`;
    const csvPath = `${path}&format=csv`;
    const first = await get(path);
    const firstCsv = await get(csvPath);
    expect((await get(path)).headers.etag).toBe(first.headers.etag); // served again, cached

    // A 2-for-1 split announced late: the next run's corporate-actions refresh stores it.
    const late = { execution_date: '2024-01-16', split_from: 1, split_to: 2 };
    fake.setCorporateActions('ADJ', { splits: [split, late] });
    // Over a weekend: no bar is written, so only the new split can change the answer.
    const run = await backfill(t.url, admin, {
      symbols: ['ADJ'],
      timeframes: ['1d'],
      from: '2024-01-20',
      to: '2024-01-21',
    });
    expect(run.status).toBe('succeeded');

    const next = await get(path);
    expect(next.headers.etag).not.toBe(first.headers.etag);
    const lateRatio = (b: Bar) => (Date.parse(b.timestamp) < nyMidnight('2024-01-16') ? 2 : 1);
    const expected = raw1d.map((b) => {
      const adjusted = adjust(b, 'split');
      const r = lateRatio(b);
      return {
        ...adjusted,
        open: adjusted.open / r,
        high: adjusted.high / r,
        low: adjusted.low / r,
        close: adjusted.close / r,
        vwap: adjusted.vwap! / r,
        volume: adjusted.volume * r,
      };
    });
    expectBars(next.body.bars, expected);
    const nextCsv = await get(csvPath);
    expect(nextCsv.headers.etag).not.toBe(firstCsv.headers.etag);
    await request(t.url).get(csvPath).set('If-None-Match', firstCsv.headers.etag).expect(200);
  });

  it('refuses an unknown adjustment with what is allowed', async () => {
    const res = await request(t.url).get('/api/v1/historical/ADJ?adjustment=splits').expect(400);
    expect(JSON.stringify(res.body)).toContain('must be one of raw, split, dividend, all');
    await request(t.url).get('/api/v1/historical/ADJ/latest?adjustment=none').expect(400);
  });
});

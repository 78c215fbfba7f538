import request from 'supertest';

import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

const MINUTE = 60_000;
const START = Date.UTC(2024, 4, 6, 13, 30);

describe('cursors and several symbols at once', () => {
  let t: TestApp;
  const bars = {
    AAPL: makeBars(START, 1000, MINUTE, { seed: 1 }),
    MSFT: makeBars(START + 7 * MINUTE, 400, MINUTE, { seed: 2 }),
    NVDA: makeBars(START, 50, 3 * MINUTE, { seed: 3 }),
  };

  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL' },
      { symbol: 'MSFT' },
      { symbol: 'NVDA' },
      { symbol: 'IDLE' },
    ]);
    for (const [symbol, rows] of Object.entries(bars)) {
      await insertBars(t.dataSource, symbol, '1m', rows);
    }
  });
  afterAll(() => t.close());

  const range = { timeframe: '1m', start: '2024-05-06', end: '2024-05-07' };

  async function follow(path: string, query: Record<string, string | number>) {
    const pages: { body: Record<string, unknown> }[] = [];
    let cursor: string | undefined;
    do {
      const res = await request(t.url)
        .get(path)
        .query({ ...query, ...(cursor ? { cursor } : {}) })
        .expect(200);
      pages.push(res);
      cursor = (res.body.nextCursor as string | null) ?? undefined;
      expect(pages.length).toBeLessThan(100);
    } while (cursor);
    return pages;
  }

  it.each(['asc', 'desc'])(
    'returns every bar exactly once following cursors (%s)',
    async (sort) => {
      const pages = await follow('/api/v1/historical/AAPL', { ...range, limit: 64, sort });
      const stamps = pages.flatMap((p) =>
        (p.body.bars as { timestamp: string }[]).map((b) => b.timestamp),
      );
      const expected = bars.AAPL.map((b) => new Date(b.ts).toISOString());
      expect(stamps).toEqual(sort === 'asc' ? expected : expected.reverse());
      expect(pages).toHaveLength(Math.ceil(1000 / 64));
      expect(pages.slice(0, -1).every((p) => p.body.count === 64)).toBe(true);
      expect(pages[pages.length - 1].body.nextCursor).toBeNull();
    },
  );

  it('gives no cursor when the last page is exactly full', async () => {
    const pages = await follow('/api/v1/historical/AAPL', { ...range, limit: 500 });
    expect(pages).toHaveLength(2);
    expect(pages[1].body.count).toBe(500);
  });

  it('keeps the default window of a cursor chain stable', async () => {
    const recent = makeBars(Date.now() - 3 * 86_400_000, 30, MINUTE, { seed: 4 });
    await insertSymbols(t.dataSource, [{ symbol: 'LIVE' }]);
    await insertBars(t.dataSource, 'LIVE', '1m', recent);
    const pages = await follow('/api/v1/historical/LIVE', { timeframe: '1m', limit: 7 });
    expect(pages.flatMap((p) => p.body.bars as unknown[])).toHaveLength(30);
    expect(new Set(pages.map((p) => p.body.start)).size).toBe(1);
  });

  it('returns several symbols in one response keyed by symbol', async () => {
    const res = await request(t.url)
      .get('/api/v1/historical')
      .query({ symbols: 'msft,AAPL,IDLE', ...range, limit: 50000 })
      .expect(200);
    expect(res.body.timeframe).toBe('1m');
    expect(Object.keys(res.body.bars).sort()).toEqual(['AAPL', 'IDLE', 'MSFT']);
    expect(res.body.bars.AAPL).toHaveLength(1000);
    expect(res.body.bars.MSFT).toHaveLength(400);
    expect(res.body.bars.IDLE).toEqual([]);
    expect(res.body.bars.MSFT[0]).toEqual({
      timestamp: new Date(bars.MSFT[0].ts).toISOString(),
      open: bars.MSFT[0].open,
      high: bars.MSFT[0].high,
      low: bars.MSFT[0].low,
      close: bars.MSFT[0].close,
      volume: bars.MSFT[0].volume,
      vwap: bars.MSFT[0].vwap,
      trades: bars.MSFT[0].trades,
    });
    expect(res.body.nextCursor).toBeNull();
  });

  it.each(['asc', 'desc'])(
    'pages several symbols with cursors, every bar once (%s)',
    async (sort) => {
      const pages = await follow('/api/v1/historical', {
        symbols: 'AAPL,MSFT,NVDA',
        ...range,
        limit: 333,
        sort,
      });
      const seen: Record<string, string[]> = { AAPL: [], MSFT: [], NVDA: [] };
      for (const page of pages) {
        for (const [symbol, rows] of Object.entries(
          page.body.bars as Record<string, { timestamp: string }[]>,
        )) {
          seen[symbol].push(...rows.map((b) => b.timestamp));
        }
      }
      for (const [symbol, rows] of Object.entries(bars)) {
        const expected = rows.map((b) => new Date(b.ts).toISOString());
        expect(seen[symbol]).toEqual(sort === 'asc' ? expected : expected.reverse());
      }
      expect(pages).toHaveLength(Math.ceil(1450 / 333));
    },
  );

  it('aggregates several symbols in one query', async () => {
    const res = await request(t.url)
      .get('/api/v1/historical')
      .query({ symbols: 'AAPL,NVDA', ...range, timeframe: '1h' })
      .expect(200);
    expect(res.body.bars.NVDA).toHaveLength(3);
    expect(res.body.bars.NVDA[0].volume).toBe(
      bars.NVDA.filter((b) => b.ts < Date.UTC(2024, 4, 6, 14)).reduce((s, b) => s + b.volume, 0),
    );
  });
});

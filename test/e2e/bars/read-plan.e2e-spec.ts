import request from 'supertest';

import { insertBars, makeBars, TestBar } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

const MINUTE = 60_000;
const JAN2 = Date.UTC(2024, 0, 2);

/**
 * How a page is read (the read plan) must never change what it holds: a bounded aggregation
 * (a page of buckets reads only the raw bars it needs) answers exactly what aggregating the
 * whole range answers, also when the bound falls short (bars closer than their base spacing);
 * a multi-symbol page in pieces or streamed is the page built in one string.
 */
describe('pages read by the read plan', () => {
  let t: TestApp;
  // Three days of regular sessions, and a symbol with two bars in some minutes.
  const sessions: TestBar[] = [0, 1, 2].flatMap((day) =>
    makeBars(JAN2 + day * 86_400_000 + 14.5 * 3_600_000, 390, MINUTE, { seed: 30 + day }),
  );
  const dense: TestBar[] = makeBars(JAN2 + 14.5 * 3_600_000, 600, 20_000, { seed: 40 });

  beforeAll(async () => {
    t = await startTestApp({ env: { CACHE_TTL_SECONDS: '0' } });
    await insertSymbols(t.dataSource, [{ symbol: 'AGG' }, { symbol: 'DENSE' }, { symbol: 'B' }]);
    await insertBars(t.dataSource, 'AGG', '1m', sessions);
    await insertBars(t.dataSource, 'B', '1m', sessions);
    await insertBars(t.dataSource, 'DENSE', '1m', dense);
  });
  afterAll(() => t.close());

  /** 5-minute buckets computed here from the raw bars, in page order. */
  function buckets(bars: TestBar[], from: number, sort: 'asc' | 'desc'): number[] {
    const starts = [
      ...new Set(bars.filter((b) => b.ts >= from).map((b) => b.ts - (b.ts % 300_000))),
    ];
    starts.sort((a, b) => a - b);
    return sort === 'asc' ? starts : starts.reverse();
  }

  async function pages(
    symbol: string,
    query: string,
  ): Promise<{ stamps: number[]; volumes: number[] }> {
    const stamps: number[] = [];
    const volumes: number[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.url)
        .get(`/api/v1/historical/${symbol}?${query}${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      for (const bar of res.body.bars as { timestamp: string; volume: number }[]) {
        stamps.push(Date.parse(bar.timestamp));
        volumes.push(bar.volume);
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    return { stamps, volumes };
  }

  it.each([
    ['asc', 7],
    ['desc', 7],
    ['asc', 100],
    ['desc', 251],
  ] as const)(
    'pages 5m buckets without an end exactly (%s, limit %i), bucket volumes included',
    async (sort, limit) => {
      const { stamps, volumes } = await pages(
        'AGG',
        `timeframe=5m&start=2024-01-02&sort=${sort}&limit=${limit}`,
      );
      const expected = buckets(sessions, JAN2, sort);
      expect(stamps).toEqual(expected);
      const volumeOf = (start: number): number =>
        sessions
          .filter((b) => b.ts >= start && b.ts < start + 300_000)
          .reduce((sum, b) => sum + b.volume, 0);
      expect(volumes).toEqual(expected.map(volumeOf));
    },
  );

  it('reads again without the bound when bars are closer than their base spacing', async () => {
    // Three bars a minute: the bound, sized for one bar a minute, falls short of the page.
    for (const sort of ['asc', 'desc'] as const) {
      const { stamps } = await pages(
        'DENSE',
        `timeframe=5m&start=2024-01-02&sort=${sort}&limit=10`,
      );
      expect(stamps).toEqual(buckets(dense, JAN2, sort));
    }
  });

  it('serves a multi-symbol page the same in pieces, streamed or small', async () => {
    const range = 'timeframe=1m&start=2024-01-02&end=2024-01-05';
    const all = sessions.map((b) => new Date(b.ts).toISOString());
    for (const limit of [100, 501, 1_170, 2_340, 2_341, 5_000]) {
      const seen: Record<string, string[]> = { AGG: [], B: [] };
      let cursor: string | null = null;
      do {
        const res: request.Response = await request(t.url)
          .get(
            `/api/v1/historical?symbols=B,AGG&${range}&limit=${limit}` +
              (cursor ? `&cursor=${cursor}` : ''),
          )
          .expect(200);
        expect(Object.keys(res.body.bars).sort()).toEqual(['AGG', 'B']);
        for (const symbol of ['AGG', 'B']) {
          seen[symbol].push(
            ...(res.body.bars[symbol] as { timestamp: string }[]).map((bar) => bar.timestamp),
          );
        }
        cursor = res.body.nextCursor;
      } while (cursor);
      expect({ limit, seen }).toEqual({ limit, seen: { AGG: all, B: all } });
    }
  });
});

import request from 'supertest';

import { ReadPool } from '../../../src/database/read-pool';
import { insertBars, makeBars, seededRandom } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * Large pages of stored bars are read in two halves on two connections when the read pool has
 * them to spare (BarsRepository.findSplitPage). The halves must make exactly the page that one
 * statement makes; a pool of one connection never splits, so it serves as the reference.
 */
describe('pages read in two halves', () => {
  let split: TestApp;
  let whole: TestApp;
  const JAN2 = Date.UTC(2024, 0, 2);
  const minutes = makeBars(JAN2 + 14.5 * 3_600_000, 3_000, 60_000, { seed: 21 });
  const range = 'timeframe=1m&start=2024-01-02T00:00:00Z&end=2024-01-06T00:00:00Z';

  beforeAll(async () => {
    // No response cache: every request below must reach the database.
    split = await startTestApp({ env: { CACHE_TTL_SECONDS: '0' } });
    whole = await startTestApp({
      databaseUrl: split.databaseUrl,
      env: { DATABASE_READ_POOL_SIZE: '1', CACHE_TTL_SECONDS: '0' },
    });
    await insertSymbols(split.dataSource, [{ symbol: 'HALF' }]);
    minutes.forEach((bar, i) => {
      if (i % 7 === 0) minutes[i] = { ...bar, qualityScore: 0.6, flags: ['ohlc_violation'] };
    });
    await insertBars(split.dataSource, 'HALF', '1m', minutes);
  });
  afterAll(async () => {
    await whole.close();
    await split.close();
  });

  /** Runs a query while counting the statements and noting whether one was a second half. */
  async function readCounting(app: TestApp, query: string) {
    const pool = app.app.get(ReadPool);
    const prepared = jest.spyOn(pool, 'prepared');
    try {
      const res = await request(app.url).get(`/api/v1/historical/HALF?${query}`).expect(200);
      const statements = prepared.mock.calls.map(([sql]) => sql);
      return {
        res,
        statements,
        halves: statements.filter((sql) => sql.includes('seam.ts')).length,
      };
    } finally {
      prepared.mockRestore();
    }
  }

  it('answers byte for byte what one statement answers, for every kind of page', async () => {
    const random = seededRandom(5);
    const queries = ['limit=500', 'limit=1000', 'limit=2999', 'limit=3000', 'limit=3001'];
    for (let i = 0; i < 24; i++) {
      const parts = [`limit=${500 + Math.floor(random() * 3_000)}`];
      if (random() < 0.5) parts.push('sort=desc');
      if (random() < 0.3) parts.push('validatedOnly=true');
      if (random() < 0.2) parts.push('minQuality=0.7');
      if (random() < 0.3) parts.push('include=quality');
      queries.push(parts.join('&'));
    }
    let splitPages = 0;
    for (const query of queries) {
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `${range}&${query}${cursor ? `&cursor=${cursor}` : ''}`;
        const a = await readCounting(split, q);
        const b = await readCounting(whole, q);
        expect({ query: q, text: a.res.text }).toEqual({ query: q, text: b.res.text });
        expect(b.halves).toBe(0);
        splitPages += a.halves;
        cursor = a.res.body.nextCursor;
        pages++;
      } while (cursor && pages < 4);
    }
    expect(splitPages).toBeGreaterThan(queries.length);
  });

  it('reads every bar of the selection exactly once when following cursors', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const { res, halves } = await readCounting(
        split,
        `${range}&limit=777${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(halves).toBe(1);
      seen.push(...res.body.bars.map((b: { timestamp: string }) => Date.parse(b.timestamp)));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(minutes.map((b) => b.ts));
  });

  it('reads the page again in one statement when a write moved the seam between the halves', async () => {
    const pool = split.app.get(ReadPool);
    const original = pool.prepared.bind(pool);
    let firstHalfDone!: () => void;
    const firstHalf = new Promise<void>((resolve) => (firstHalfDone = resolve));
    const extra = JAN2 + 14.5 * 3_600_000 - 30 * 60_000; // before every bar: shifts the seam
    const statements: string[] = [];
    const prepared = jest.spyOn(pool, 'prepared').mockImplementation(async (sql, params) => {
      statements.push(sql);
      if (!sql.includes('seam.ts')) {
        const rows = await original(sql, params);
        firstHalfDone();
        return rows;
      }
      // The second half runs after the first, and after a bar was inserted into the first half.
      await firstHalf;
      await insertBars(split.dataSource, 'HALF', '1m', [{ ...minutes[0], ts: extra }]);
      return original(sql, params);
    });
    try {
      const res = await request(split.url)
        .get(`/api/v1/historical/HALF?${range}&limit=1000`)
        .expect(200);
      expect(statements.filter((sql) => sql.includes('seam.ts'))).toHaveLength(1);
      expect(statements).toHaveLength(3);
      const stamps = res.body.bars.map((b: { timestamp: string }) => Date.parse(b.timestamp));
      expect(stamps).toEqual([extra, ...minutes.slice(0, 999).map((b) => b.ts)]);
    } finally {
      prepared.mockRestore();
      await split.dataSource.query(
        `DELETE FROM bars WHERE symbol = 'HALF' AND ts = to_timestamp($1 / 1000.0)`,
        [extra],
      );
    }
  });

  it('does not split when no connection is spare, or for aggregated and small pages', async () => {
    expect((await readCounting(whole, `${range}&limit=1000`)).statements).toHaveLength(1);
    expect((await readCounting(split, `${range}&limit=499`)).halves).toBe(0);
    const fiveMinutes = range.replace('timeframe=1m', 'timeframe=5m');
    expect((await readCounting(split, `${fiveMinutes}&limit=1000`)).halves).toBe(0);
  });
});

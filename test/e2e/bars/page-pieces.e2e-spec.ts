import request from 'supertest';

import type { BarsSelection } from '../../../src/bars/query/selection';
import { PAGE_CHUNK_BARS } from '../../../src/bars/query/sql/pieces';
import { BarsRepository } from '../../../src/bars/read/bars.repository';
import type { TextPage } from '../../../src/bars/read/bars-page';
import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * A one-statement page that can hold more than PAGE_CHUNK_BARS arrives in pieces
 * of at most that many bars (singleJsonSql: `body`, `body_2`, ...), so that no string the `pg`
 * client decodes is a V8 large object. The pieces must make exactly the page: every bar once, in
 * order, the probe bar past the page dropped from the last piece. The read pool has one
 * connection, so no page is split in halves here (split-page covers halves, each in pieces).
 */
describe('one-statement pages in pieces', () => {
  let t: TestApp;
  const JAN2 = Date.UTC(2024, 0, 2);
  const minutes = makeBars(JAN2, 2_600, 60_000, { seed: 41, missingVwapEvery: 9 });
  const startIso = '2024-01-02T00:00:00.000Z';
  const endExclusiveIso = '2024-01-05T00:00:00.000Z';
  const range = `timeframe=1m&start=${startIso}&end=${endExclusiveIso}`;

  beforeAll(async () => {
    t = await startTestApp({ env: { DATABASE_READ_POOL_SIZE: '1', CACHE_TTL_SECONDS: '0' } });
    await insertSymbols(t.dataSource, [{ symbol: 'PIECE' }]);
    minutes.forEach((bar, i) => {
      if (i % 11 === 0) minutes[i] = { ...bar, qualityScore: 0.5, flags: ['volume_spike'] };
    });
    await insertBars(t.dataSource, 'PIECE', '1m', minutes);
  });
  afterAll(() => t.close());

  const selection = (overrides: Partial<BarsSelection>): BarsSelection => ({
    symbols: ['PIECE'],
    timeframe: '1m',
    startIso,
    endExclusiveIso,
    sort: 'asc',
    validatedOnly: false,
    includeQuality: false,
    ...overrides,
  });
  /** With one read connection a page is never read in halves: one statement, in pieces. */
  const findPageInOneStatement = (sel: BarsSelection) =>
    t.app.get(BarsRepository).findPage(sel) as Promise<TextPage | undefined>;
  const barsIn = (piece: string): number => piece.split('{"timestamp":').length - 1;
  const stampsOf = (pieces: readonly string[]): number[] =>
    (JSON.parse(`[${pieces.join(',')}]`) as { timestamp: string }[]).map((bar) =>
      Date.parse(bar.timestamp),
    );

  it('cuts a page into pieces of at most PAGE_CHUNK_BARS bars that join into the page', async () => {
    const cases: [Partial<BarsSelection>, number][] = [
      [{ limit: PAGE_CHUNK_BARS }, 1],
      [{ limit: PAGE_CHUNK_BARS + 1 }, 2],
      [{ limit: 1_000 }, 2],
      [{ limit: 1_001 }, 3],
      [{ limit: 2_000, includeQuality: true }, 4],
      [{ limit: 2_000, sort: 'desc' }, 4],
    ];
    for (const [overrides, expectedPieces] of cases) {
      const sel = selection(overrides);
      const page = await findPageInOneStatement(sel);
      const limit = sel.limit!;
      const expected = (sel.sort === 'desc' ? [...minutes].reverse() : minutes)
        .slice(0, limit)
        .map((bar) => bar.ts);
      expect({ overrides, pieces: page!.pieces.length }).toEqual({
        overrides,
        pieces: expectedPieces,
      });
      for (const piece of page!.pieces) expect(barsIn(piece)).toBeLessThanOrEqual(PAGE_CHUNK_BARS);
      expect(page!.n).toBe(limit);
      expect(page!.more).toBe(true);
      expect(stampsOf(page!.pieces)).toEqual(expected);
    }
  });

  it('leaves no piece empty when the selection ends inside the page', async () => {
    // 2,600 bars from the start, a limit of 2,000 and a cursor after bar 1,200: 1,400 bars left,
    // so the last of the four possible pieces has no bars and the page has no next.
    const page = await findPageInOneStatement(
      selection({
        limit: 2_000,
        after: { bucketIso: new Date(minutes[1_199].ts).toISOString() },
      }),
    );
    expect(page!.pieces).toHaveLength(3);
    expect(page!.more).toBe(false);
    expect(stampsOf(page!.pieces)).toEqual(minutes.slice(1_200).map((bar) => bar.ts));
  });

  it('cuts aggregated pages by bucket number, in both orders', async () => {
    // 2,600 minutes are 520 five-minute buckets: pieces of 500 and 20.
    const buckets = Array.from({ length: 520 }, (_, i) => JAN2 + i * 5 * 60_000);
    for (const sort of ['asc', 'desc'] as const) {
      const page = await findPageInOneStatement(selection({ timeframe: '5m', limit: 1_000, sort }));
      expect(page!.pieces.map(barsIn)).toEqual([500, 20]);
      expect(page!.n).toBe(520);
      expect(stampsOf(page!.pieces)).toEqual(sort === 'asc' ? buckets : [...buckets].reverse());
    }
    // A page cut short by its limit drops the bucket past it from its last piece.
    const limited = await findPageInOneStatement(selection({ timeframe: '5m', limit: 510 }));
    expect(limited!.pieces.map(barsIn)).toEqual([500, 10]);
    expect(limited!.more).toBe(true);
    expect(stampsOf(limited!.pieces)).toEqual(buckets.slice(0, 510));
  });

  it('serves every bar exactly once across cursors, with quality, in both orders', async () => {
    for (const sort of ['asc', 'desc']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await request(t.url)
          .get(
            `/api/v1/historical/PIECE?${range}&limit=999&sort=${sort}&include=quality` +
              (cursor ? `&cursor=${cursor}` : ''),
          )
          .expect(200);
        for (const bar of res.body.bars as { timestamp: string; flags: string[] }[]) {
          const ts = Date.parse(bar.timestamp);
          const i = (ts - JAN2) / 60_000;
          expect(bar.flags).toEqual(i % 11 === 0 ? ['volume_spike'] : []);
          seen.push(ts);
        }
        cursor = res.body.nextCursor;
      } while (cursor);
      const all = minutes.map((bar) => bar.ts);
      expect(seen).toEqual(sort === 'asc' ? all : all.reverse());
    }
  });
});

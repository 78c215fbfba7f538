import { createApiKey } from '../../factories/api-keys';
import { insertSymbols } from '../../factories/symbols';
import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../../fake-polygon/fake-polygon-env';
import { startTestApp, TestApp } from '../../support/test-app';
import { backfill } from './backfill-helpers';

/**
 * Raw bars drop by the split ratio on a split's execution date. Validation knows the stored
 * splits: the price-gap and extreme-move rules do not flag the first bar on the new basis, in
 * daily bars and in minute bars with extended hours (a winter split: the post-market before it
 * ends after midnight UTC, the pre-market after it starts at 04:00 New York).
 */
describe('validation across a split', () => {
  let fake: FakePolygon;
  let t: TestApp;
  let admin: string;
  const split = { execution_date: '2024-01-10', split_from: 1, split_to: 4 };

  beforeAll(async () => {
    fake = await startFakePolygon({
      extendedHours: true,
      // Both have the split in their bars; UNTOLD's is never reported by the splits endpoint.
      splits: { TOLD: [split], UNTOLD: [split] },
    });
    fake.setCorporateActions('UNTOLD', { splits: [] });
    t = await startTestApp({ env: fakePolygonEnv(fake) });
    admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
    await insertSymbols(t.dataSource, [{ symbol: 'TOLD' }, { symbol: 'UNTOLD' }]);
    const run = await backfill(t.url, admin, {
      symbols: ['TOLD', 'UNTOLD'],
      from: '2024-01-08',
      to: '2024-01-11',
    });
    expect(run.status).toBe('succeeded');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  /** The flags of the first bar of the split day, and its open against the previous close. */
  async function firstBarOnNewBasis(symbol: string, timeframe: string) {
    const [bar] = await t.dataSource.query(
      `SELECT b.flags, b.validated, b.open / p.close AS jump
         FROM bars b
         CROSS JOIN LATERAL (SELECT close FROM bars x WHERE x.symbol = b.symbol
                               AND x.timeframe = b.timeframe AND x.ts < b.ts
                             ORDER BY x.ts DESC LIMIT 1) p
        WHERE b.symbol = $1 AND b.timeframe = $2 AND b.ts >= '2024-01-10T05:00:00Z'
        ORDER BY b.ts LIMIT 1`,
      [symbol, timeframe],
    );
    return bar as { flags: string[]; validated: boolean; jump: number };
  }

  it.each(['1d', '1m'])('leaves the first %s bar after a stored split unflagged', async (tf) => {
    const bar = await firstBarOnNewBasis('TOLD', tf);
    expect(bar.jump).toBeCloseTo(0.25, 1);
    expect(bar).toMatchObject({ flags: [], validated: true });
  });

  it.each(['1d', '1m'])('flags the same drop when no split explains it (%s)', async (tf) => {
    const bar = await firstBarOnNewBasis('UNTOLD', tf);
    expect(bar.jump).toBeCloseTo(0.25, 1);
    expect(bar.flags).toContain('extreme_move');
    expect(bar.validated).toBe(false);
  });
});

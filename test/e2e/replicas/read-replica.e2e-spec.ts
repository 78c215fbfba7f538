import { Client } from 'pg';
import request from 'supertest';

import { SeriesChanges } from '../../../src/common/series-changes';
import { ReadPool } from '../../../src/database/read-pool';
import { ReplicaReadPool } from '../../../src/database/replica-read-pool';
import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { eventually } from '../../support/eventually';
import { ReplicaPair, startReplicaPair } from '../../support/postgres-replica-pair';
import { startTestApp, TestApp } from '../../support/test-app';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const PAGE = '/api/v1/historical/AAPL?timeframe=1d&start=2024-01-01&end=2024-12-31&limit=1000';
/** Replay on the standby waits this long after each commit while a test holds it back. */
const APPLY_DELAY_MS = 3_000;

/** How many bars the API serves on the page. */
async function pageCount(t: TestApp): Promise<number> {
  return (await request(t.url).get(PAGE).expect(200)).body.count as number;
}

describe('bar reads on a streaming replica (DATABASE_READ_URL)', () => {
  let pair: ReplicaPair;
  let t: TestApp;
  let primary: Client;
  let standby: Client;
  let pool: ReplicaReadPool;

  const standbyCount = async (): Promise<number> => {
    const { rows } = await standby.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM bars WHERE symbol = 'AAPL'`,
    );
    return rows[0].n;
  };
  /** Another process's write: bars and its bars_changed notification in one transaction. */
  const writeElsewhere = async (day: number): Promise<void> => {
    await primary.query('BEGIN');
    await primary.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, source)
       VALUES ('AAPL', '1d', $1, 1, 1, 1, 1, 1, 'test')`,
      [new Date(START + day * DAY)],
    );
    await primary.query(`SELECT pg_notify('bars_changed', 'AAPL:1d')`);
    await primary.query('COMMIT');
  };

  beforeAll(async () => {
    pair = await startReplicaPair('warehouse');
    t = await startTestApp({
      databaseUrl: pair.primaryUrl,
      env: { DATABASE_READ_URL: pair.standbyUrl, CACHE_TTL_SECONDS: '300' },
    });
    const reads = t.app.get(ReadPool);
    if (!(reads instanceof ReplicaReadPool)) throw new Error('the read pool has no replicas');
    pool = reads;
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }]);
    await insertBars(t.dataSource, 'AAPL', '1d', makeBars(START, 10, DAY));
    primary = new Client({ connectionString: pair.primaryUrl });
    standby = new Client({ connectionString: pair.standbyUrl });
    standby.on('error', () => undefined); // the last test stops the standby
    await Promise.all([primary.connect(), standby.connect()]);
    await pair.caughtUp();
  }, 120_000);

  afterAll(async () => {
    await primary?.end();
    await standby?.end().catch(() => undefined);
    await t?.close();
    await pair?.close();
  });

  it('reads go to the replica once it has replayed every write the process knows of', async () => {
    const before = pool.routing();
    expect(await pageCount(t)).toBe(10);
    const after = pool.routing();
    expect(after.replica).toBeGreaterThan(before.replica);
    expect(after.primary).toBe(before.primary);
    const { rows } = await standby.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'market-data-warehouse/read'`,
    );
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it('a read after a write never sees older data: the primary answers while the replica lags', async () => {
    expect(await pageCount(t)).toBe(10); // cached
    await pair.setApplyDelay(APPLY_DELAY_MS);
    try {
      const changes = t.app.get(SeriesChanges);
      const version = changes.version('AAPL', '1d');
      await writeElsewhere(10);
      // The write is acknowledged and this process has heard of it (its cache is invalidated).
      expect(
        await eventually(
          () => changes.version('AAPL', '1d'),
          (v) => v !== version,
        ),
      ).not.toBe(version);
      const before = pool.routing();

      expect(await pageCount(t)).toBe(11);
      expect(await standbyCount()).toBe(10); // the replica really is behind
      const during = pool.routing();
      expect(during.primary).toBeGreaterThan(before.primary);
      expect(during.replica).toBe(before.replica);

      // Once the replica has replayed the writes it answers again, with every bar.
      await pair.setApplyDelay(0);
      const lagged = changes.version('AAPL', '1d');
      await writeElsewhere(11);
      expect(
        await eventually(
          () => changes.version('AAPL', '1d'),
          (v) => v !== lagged,
        ),
      ).not.toBe(lagged);
      await pair.caughtUp();
      const caughtUp = pool.routing();
      for (let i = 0; i < 100 && pool.routing().replica === caughtUp.replica; i++) {
        expect(await pageCount(t)).toBe(12);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(pool.routing().replica).toBeGreaterThan(caughtUp.replica);
    } finally {
      await pair.setApplyDelay(0);
    }
  }, 60_000);

  it('a replica that goes away is skipped: the primary answers', async () => {
    await writeElsewhere(12); // a new page, so the read is not a cache hit
    await pair.stopStandby();
    const before = pool.routing();
    expect(await pageCount(t)).toBe(13);
    expect(pool.routing().primary).toBeGreaterThan(before.primary);
  });
});

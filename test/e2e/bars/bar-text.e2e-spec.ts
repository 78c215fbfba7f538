import { Client } from 'pg';
import request from 'supertest';

import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';
import { createTestDatabase, dropTestDatabase } from '../../support/test-database';

/**
 * PostgreSQL writes the bars' JSON text, so its session settings could change the API's output.
 * This database is configured as unfavourably as it can be: the read pool must pin what it needs.
 */
describe('bar text written by PostgreSQL', () => {
  let t: TestApp;
  let databaseUrl: string;
  const JAN2 = Date.UTC(2024, 0, 2);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const name = new URL(databaseUrl).pathname.slice(1);
    const admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(name)} SET DateStyle = 'SQL, DMY'`);
    await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(name)} SET extra_float_digits = 0`);
    await admin.query(
      `ALTER DATABASE ${admin.escapeIdentifier(name)} SET TimeZone = 'Asia/Kolkata'`,
    );
    await admin.end();
    t = await startTestApp({ databaseUrl });
    await insertSymbols(t.dataSource, [
      { symbol: 'TEXT' },
      { symbol: 'OLD', assetClass: 'crypto' },
    ]);
    await insertBars(t.dataSource, 'TEXT', '1d', [
      {
        ts: JAN2 + 5 * 3_600_000,
        open: 0.1 + 0.2,
        high: 1 / 3,
        low: 0.1,
        close: 2 / 3,
        volume: 1e21,
        vwap: 0.2,
        trades: 9_007_199_254_740_991,
      },
      // Off the second grid: must keep its milliseconds.
      {
        ts: JAN2 + 86_400_000 + 5 * 3_600_000 + 250,
        open: 1,
        high: 1,
        low: 1,
        close: 1,
        volume: 1,
        vwap: null,
        trades: null,
      },
    ]);
    await insertBars(t.dataSource, 'OLD', '1d', [
      {
        ts: Date.UTC(999, 5, 1),
        open: 1,
        high: 1,
        low: 1,
        close: 1,
        volume: 1,
        vwap: 1,
        trades: 1,
      },
    ]);
  });
  afterAll(async () => {
    await t.close();
    await dropTestDatabase(databaseUrl);
  });

  it('prints timestamps as ISO instants in UTC with milliseconds whatever DateStyle and TimeZone', async () => {
    const res = await request(t.url)
      .get('/api/v1/historical/TEXT?start=2024-01-02&end=2024-01-03')
      .expect(200);
    expect(res.body.bars.map((b: { timestamp: string }) => b.timestamp)).toEqual([
      '2024-01-02T05:00:00.000Z',
      '2024-01-03T05:00:00.250Z',
    ]);
    const old = await request(t.url)
      .get('/api/v1/historical/OLD?start=0999-01-01&end=0999-12-31')
      .expect(200);
    expect(old.body.bars[0].timestamp).toBe('0999-06-01T00:00:00.000Z');
  });

  it('prints doubles shortest-exact whatever extra_float_digits', async () => {
    const res = await request(t.url)
      .get('/api/v1/historical/TEXT?start=2024-01-02&end=2024-01-02')
      .expect(200);
    expect(res.text).toContain(
      '"open":0.30000000000000004,"high":0.3333333333333333,"low":0.1,"close":0.6666666666666666,"volume":1e+21,"vwap":0.2,"trades":9007199254740991',
    );
    expect(res.body.bars[0].open).toBe(0.1 + 0.2);
  });

  it('keeps exactly the page when the statement sent one bar past it', async () => {
    const minutes = makeBars(JAN2 + 14.5 * 3_600_000, 30, 60_000, { seed: 5 });
    minutes[2] = { ...minutes[2], qualityScore: 0.5, flags: ['ohlc_violation'] };
    await insertBars(t.dataSource, 'TEXT', '1m', minutes);
    const range = 'timeframe=1m&start=2024-01-02T14:30:00Z&end=2024-01-02T15:30:00Z';
    for (const extra of ['', '&include=quality', '&sort=desc']) {
      const res = await request(t.url)
        .get(`/api/v1/historical/TEXT?${range}&limit=3${extra}`)
        .expect(200);
      expect(res.body.count).toBe(3);
      expect(res.body.bars).toHaveLength(3);
      const expected = extra === '&sort=desc' ? minutes.slice(-3).reverse() : minutes.slice(0, 3);
      expect(res.body.bars.map((b: { timestamp: string }) => Date.parse(b.timestamp))).toEqual(
        expected.map((b) => b.ts),
      );
      expect(typeof res.body.nextCursor).toBe('string');
    }
  });
});

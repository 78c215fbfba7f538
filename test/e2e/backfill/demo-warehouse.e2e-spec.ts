import { Client } from 'pg';
import request from 'supertest';

import { SpawnedServer, spawnServer } from '../../support/spawn-process';
import { createTestDatabase, dropTestDatabase } from '../../support/test-database';

describe('demo warehouse on a fresh start', () => {
  let databaseUrl: string;
  let server: SpawnedServer | undefined;
  let db: Client;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    if (server) await server.terminate();
    await db.end();
    await dropTestDatabase(databaseUrl);
  });

  it('tracks demo symbols and fills them with synthetic bars without a Polygon key', async () => {
    // No POLYGON_API_KEY, DEMO_SEED at its default: what `npm start` on a fresh machine does.
    server = await spawnServer({
      DATABASE_URL: databaseUrl,
      BACKFILL_ENABLED: 'false',
      LOG_LEVEL: 'info',
    });
    // The seed runs in the background: the server is ready before the bars are in.
    await request(server.url).get('/ready').expect(200);

    const deadline = Date.now() + 150_000;
    let runs: { trigger: string; status: string; timeframes: string[] }[] = [];
    while (Date.now() < deadline) {
      runs = (await db.query(`SELECT trigger, status, timeframes FROM backfill_runs`)).rows;
      if (runs.length === 2 && runs.every((run) => run.status !== 'running')) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(runs).toEqual([
      { trigger: 'demo', status: 'succeeded', timeframes: ['1d'] },
      { trigger: 'demo', status: 'succeeded', timeframes: ['1m'] },
    ]);

    const symbols = (await db.query(`SELECT symbol, source FROM symbols ORDER BY symbol`)).rows;
    expect(symbols).toEqual(
      ['AAPL', 'MSFT', 'NVDA', 'SPY', 'X:BTCUSD'].map((symbol) => ({
        symbol,
        source: 'synthetic',
      })),
    );
    const series = (
      await db.query(
        `SELECT symbol, timeframe, count(*)::int AS n, min(source) AS source
           FROM bars GROUP BY symbol, timeframe ORDER BY symbol, timeframe`,
      )
    ).rows;
    expect(series).toHaveLength(10);
    for (const row of series) {
      expect(row.source).toBe('synthetic');
      if (row.timeframe === '1d')
        expect(row.n).toBeGreaterThan(240); // a year of sessions
      else expect(row.n).toBeGreaterThan(390); // a few days of minutes
    }
    expect(server.output()).toContain('demo warehouse: tracking AAPL, MSFT, NVDA, SPY, X:BTCUSD');
  });

  it('does not seed again when the warehouse already has symbols', async () => {
    await server!.terminate();
    server = await spawnServer({ DATABASE_URL: databaseUrl, BACKFILL_ENABLED: 'false' });
    await request(server.url).get('/ready').expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const runs = (await db.query(`SELECT count(*)::int AS n FROM backfill_runs`)).rows[0].n;
    expect(runs).toBe(2);
  });
});

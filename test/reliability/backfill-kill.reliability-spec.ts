import type { Client } from 'pg';
import type { DataSource } from 'typeorm';

import { insertSymbols } from '../factories/symbols';
import { FakePolygon, startFakePolygon } from '../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../fake-polygon/fake-polygon-env';
import { withClient } from '../support/pg-client';
import { runNodeKillable } from '../support/process-control';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';

const FROM = '2024-01-02';
const TO = '2024-02-09';
const ARGS = ['backfill', '--timeframes', '1m', '--from', FROM, '--to', TO];
const KILLS = 10;
const BARS_SQL = `SELECT symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source
                    FROM bars ORDER BY symbol, timeframe, ts`;

/**
 * Item 8: `kill -9` at random points of a backfill, ten times, each followed by a restart. After
 * every kill each series holds a gap-free prefix of upstream (whole batches only, never part of
 * one); after a final run the table equals a clean run's and no run is left `running`.
 */
describe('backfill killed with SIGKILL again and again', () => {
  let fake: FakePolygon;
  let crashedDb: string;
  let cleanDb: string;
  let env: Record<string, string>;

  const cli = (url: string, killWhen?: () => Promise<boolean>) =>
    runNodeKillable('dist/cli.js', ARGS, { ...env, DATABASE_URL: url }, killWhen);

  async function prepare(url: string): Promise<void> {
    const migrate = await runNodeKillable('dist/cli.js', ['migrate'], {
      ...env,
      DATABASE_URL: url,
    });
    expect(migrate.code).toBe(0);
    await withClient(url, (client) =>
      insertSymbols(client as unknown as DataSource, [
        { symbol: 'AAPL', timeframes: ['1m'] },
        { symbol: 'MSFT', timeframes: ['1m'] },
      ]),
    );
  }

  beforeAll(async () => {
    fake = await startFakePolygon({ pageSize: 250 });
    env = { ...fakePolygonEnv(fake), LOG_LEVEL: 'warn' };
    [crashedDb, cleanDb] = await Promise.all([
      createTestDatabase('kill'),
      createTestDatabase('clean'),
    ]);
    await prepare(crashedDb);
    await prepare(cleanDb);
  });

  afterAll(async () => {
    await fake?.close();
    await Promise.all([crashedDb, cleanDb].filter(Boolean).map((url) => dropTestDatabase(url)));
  });

  it('ends equal to a clean run after ten random kills', async () => {
    const upstream = {
      AAPL: fake.expectedBars('AAPL', '1m', FROM, TO).map((b) => b.ts),
      MSFT: fake.expectedBars('MSFT', '1m', FROM, TO).map((b) => b.ts),
    };
    const total = upstream.AAPL.length + upstream.MSFT.length;
    let kills = 0;
    for (let i = 0; i < KILLS; i++) {
      const stored = await count(crashedDb);
      // Kill once a random number of further bars is stored, or after a random delay: some
      // kills land mid-batch, some between batches, some during start-up.
      const target = stored + Math.floor(Math.random() * (total / KILLS));
      const deadline = Date.now() + 200 + Math.random() * 2_500;
      const run = await cli(
        crashedDb,
        async () => Date.now() > deadline || (await count(crashedDb)) >= target,
      );
      if (run.signal === 'SIGKILL') kills += 1;
      await withClient(crashedDb, async (client) => {
        for (const symbol of ['AAPL', 'MSFT'] as const) {
          const times = await storedTimes(client, symbol);
          expect(times).toEqual(upstream[symbol].slice(0, times.length));
        }
      });
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS - 2);

    const final = await cli(crashedDb);
    expect(final.code).toBe(0);
    const clean = await cli(cleanDb);
    expect(clean.code).toBe(0);
    const crashedBars = (await withClient(crashedDb, (c) => c.query(BARS_SQL))).rows;
    const cleanBars = (await withClient(cleanDb, (c) => c.query(BARS_SQL))).rows;
    expect(cleanBars).toHaveLength(total);
    expect(crashedBars).toEqual(cleanBars);
    const running = await withClient(crashedDb, (c) =>
      c.query(`SELECT count(*)::int AS n FROM backfill_runs WHERE status = 'running'`),
    );
    expect(running.rows[0].n).toBe(0);
    process.stdout.write(
      `backfill kill: ${kills} SIGKILLs, then ${total} bars equal to a clean run\n`,
    );
  });
});

async function count(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bars`);
    return rows[0].n;
  });
}

async function storedTimes(client: Client, symbol: string): Promise<number[]> {
  const { rows } = await client.query<{ ts: string }>(
    `SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts FROM bars
      WHERE symbol = $1 AND timeframe = '1m' ORDER BY ts`,
    [symbol],
  );
  return rows.map((r) => Number(r.ts));
}

import { DataSource } from 'typeorm';

import { insertSymbols } from '../../factories/symbols';
import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../../fake-polygon/fake-polygon-env';
import { withClient } from '../../support/pg-client';
import { KillableRun, runNodeKillable } from '../../support/process-control';
import { createTestDatabase, dropTestDatabase } from '../../support/test-database';

const ARGS = ['backfill', '--timeframes', '1m', '--from', '2024-01-02', '--to', '2024-02-09'];

/** Runs `node dist/cli.js …` (the real build); `killWhen` may SIGKILL it mid-run. */
function runCli(
  env: Record<string, string>,
  args: string[],
  killWhen?: () => Promise<boolean>,
): Promise<KillableRun> {
  return runNodeKillable('dist/cli.js', args, env, killWhen);
}

async function prepare(url: string, env: Record<string, string>): Promise<void> {
  const migrate = await runCli({ ...env, DATABASE_URL: url }, ['migrate']);
  expect({ code: migrate.code, output: migrate.output }).toEqual({
    code: 0,
    output: expect.any(String),
  });
  await withClient(url, (client) =>
    insertSymbols(client as unknown as DataSource, [
      { symbol: 'AAPL', timeframes: ['1m'] },
      { symbol: 'MSFT', timeframes: ['1m'] },
    ]),
  );
}

const BARS_SQL = `SELECT symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source
                    FROM bars ORDER BY symbol, timeframe, ts`;

describe('backfill CLI killed mid-run', () => {
  let fake: FakePolygon;
  let crashedDb: string;
  let cleanDb: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakePolygon({ pageSize: 300 });
    env = {
      ...fakePolygonEnv(fake),
      LOG_LEVEL: 'debug',
    };
    [crashedDb, cleanDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    await prepare(crashedDb, env);
    await prepare(cleanDb, env);
  });
  afterAll(async () => {
    await fake.close();
    await Promise.all([dropTestDatabase(crashedDb), dropTestDatabase(cleanDb)]);
  });

  it('re-runs after kill -9 to exactly what a clean run stores', async () => {
    // A retried 500 on the way, so the logs have upstream trouble to (not) leak the key into.
    fake.setFault({ fault: { kind: 'status', status: 500 }, ticker: 'MSFT', times: 1 });
    const killed = await runCli({ ...env, DATABASE_URL: crashedDb }, ARGS, () =>
      withClient(crashedDb, async (client) => {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM bars`);
        return rows[0].n >= 3000;
      }),
    );
    expect(killed.signal).toBe('SIGKILL');
    const partial = await withClient(crashedDb, (c) =>
      c.query(`SELECT count(*)::int AS n FROM bars`),
    );
    const [orphan] = (
      await withClient(crashedDb, (c) => c.query(`SELECT status FROM backfill_runs`))
    ).rows;
    expect(orphan.status).toBe('running');

    const resumed = await runCli({ ...env, DATABASE_URL: crashedDb }, ARGS);
    expect(resumed.code).toBe(0);
    expect(resumed.output).toMatch(/succeeded: \d+ bars fetched, \d+ written/);

    const clean = await runCli({ ...env, DATABASE_URL: cleanDb }, ARGS);
    expect(clean.code).toBe(0);

    const crashedBars = (await withClient(crashedDb, (c) => c.query(BARS_SQL))).rows;
    const cleanBars = (await withClient(cleanDb, (c) => c.query(BARS_SQL))).rows;
    const upstream =
      fake.expectedBars('AAPL', '1m', '2024-01-02', '2024-02-09').length +
      fake.expectedBars('MSFT', '1m', '2024-01-02', '2024-02-09').length;
    expect(partial.rows[0].n).toBeLessThan(upstream);
    expect(cleanBars).toHaveLength(upstream);
    expect(crashedBars).toEqual(cleanBars);

    const runs = (
      await withClient(crashedDb, (c) =>
        c.query(`SELECT status, trigger FROM backfill_runs ORDER BY created_at`),
      )
    ).rows;
    expect(runs).toEqual([
      { status: 'interrupted', trigger: 'cli' },
      { status: 'succeeded', trigger: 'cli' },
    ]);

    // The key appears in no log line of any of the three processes.
    for (const run of [killed, resumed, clean]) expect(run.output).not.toContain(fake.key);
    expect(fake.requests.some((r) => r.outcome === 500)).toBe(true);
  });

  it('prints one JSON object with --json and exits 2 on bad options', async () => {
    const json = await runCli({ ...env, DATABASE_URL: cleanDb }, [...ARGS, '--json']);
    expect({ code: json.code, output: json.output }).toEqual({
      code: 0,
      output: expect.any(String),
    });
    const body = JSON.parse(json.output.trim().split('\n').pop()!);
    expect(body).toMatchObject({ status: 'succeeded', barsWritten: 0 });
    expect(body.series).toHaveLength(2);

    const bad = await runCli({ ...env, DATABASE_URL: cleanDb }, [
      'backfill',
      '--timeframes',
      '5m',
      '--symbols',
      'NOPE',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--timeframes');
  });
});

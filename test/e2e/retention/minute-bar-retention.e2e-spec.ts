import { SchedulerRegistry } from '@nestjs/schedule';
import { Client } from 'pg';
import request from 'supertest';

import { ADVISORY_LOCKS } from '../../../src/database/advisory-locks';
import { retentionBarsDeleted } from '../../../src/metrics/instruments';
import {
  MinuteBarRetention,
  RETENTION_BATCH_BARS,
} from '../../../src/retention/minute-bar-retention.service';
import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { eventually } from '../../support/eventually';
import { CommandResult, runNode } from '../../support/spawn-process';
import { startTestApp, TestApp } from '../../support/test-app';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Midnight UTC `days` days ago. */
const daysAgo = (days: number): number => Math.floor(Date.now() / DAY) * DAY - days * DAY;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const OLD_START = daysAgo(60);
/** More than two batches of one series: 2.5 × RETENTION_BATCH_BARS minutes from 60 days ago. */
const OLD_BARS = Math.round(RETENTION_BATCH_BARS * 2.5);
const RECENT_START = daysAgo(2);
const OLD_PAGE = `timeframe=1m&start=${isoDay(OLD_START)}&end=${isoDay(OLD_START)}&limit=100`;

async function count(t: TestApp, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await t.dataSource.query<{ n: number }[]>(sql, params);
  return row.n;
}

describe('minute-bar retention (MINUTE_BAR_RETENTION_DAYS)', () => {
  /** Two processes on one database: `a` runs the job, `b` only reads. */
  let a: TestApp;
  let b: TestApp;
  let listener: Client;
  const heard: string[] = [];

  beforeAll(async () => {
    const env = { MINUTE_BAR_RETENTION_DAYS: '30', CACHE_TTL_SECONDS: '300' };
    a = await startTestApp({ env });
    b = await startTestApp({ env, databaseUrl: a.databaseUrl });
    await insertSymbols(a.dataSource, [{ symbol: 'AAPL' }, { symbol: 'MSFT' }]);
    await insertBars(a.dataSource, 'AAPL', '1m', makeBars(OLD_START, OLD_BARS, MINUTE));
    await insertBars(a.dataSource, 'AAPL', '1m', makeBars(RECENT_START, 100, MINUTE));
    await insertBars(a.dataSource, 'AAPL', '1d', makeBars(daysAgo(90), 90, DAY));
    await insertBars(a.dataSource, 'MSFT', '1m', makeBars(RECENT_START, 100, MINUTE));
    // A series no longer configured (only its watermark says it was written) is trimmed too.
    await insertBars(a.dataSource, 'GONE', '1m', makeBars(OLD_START, 50, MINUTE));
    await a.dataSource.query(
      `INSERT INTO series_watermarks (symbol, timeframe, last_bar_at) VALUES ('GONE', '1m', $1)`,
      [new Date(OLD_START + 49 * MINUTE)],
    );
    await a.dataSource.query(
      `INSERT INTO data_gaps (symbol, timeframe, from_ts, to_ts, status) VALUES
         ('AAPL', '1m', $1, $2, 'open'), ('AAPL', '1m', $3, $4, 'open'), ('AAPL', '1d', $1, $2, 'open')`,
      [
        new Date(daysAgo(50)),
        new Date(daysAgo(50) + 60 * MINUTE),
        new Date(daysAgo(3)),
        new Date(daysAgo(3) + 60 * MINUTE),
      ],
    );
    listener = new Client({ connectionString: a.databaseUrl });
    await listener.connect();
    listener.on('notification', (message) => heard.push(message.payload ?? ''));
    await listener.query('LISTEN bars_changed');
  });
  afterAll(async () => {
    await listener?.end();
    await b?.close();
    await a?.close();
  });

  const pageCount = async (t: TestApp): Promise<number> =>
    (await request(t.url).get(`/api/v1/historical/AAPL?${OLD_PAGE}`).expect(200)).body
      .count as number;

  it('is scheduled hourly on every server process', () => {
    for (const t of [a, b]) {
      expect(t.app.get(SchedulerRegistry).doesExist('cron', 'minute-bar-retention')).toBe(true);
    }
  });

  it('deletes only minute bars older than the retention, in batches, and both processes stop serving them', async () => {
    // Both processes have the old page in their read caches.
    expect(await pageCount(a)).toBe(100);
    expect(await pageCount(b)).toBe(100);
    const deletedBefore = (await retentionBarsDeleted.get()).values[0]?.value ?? 0;

    const pass = await a.app.get(MinuteBarRetention).runPass('schedule');

    expect(pass).toMatchObject({
      ran: true,
      barsDeleted: OLD_BARS + 50,
      series: 2,
      gapsDeleted: 1,
    });
    if (!pass.ran) throw new Error('unreachable');
    const expectedCutoff = Date.now() - 30 * DAY;
    expect(Math.abs(pass.cutoff.getTime() - expectedCutoff)).toBeLessThan(2 * MINUTE);
    expect(
      await count(a, `SELECT count(*)::int AS n FROM bars WHERE timeframe = '1m' AND ts < $1`, [
        pass.cutoff,
      ]),
    ).toBe(0);
    expect(await count(a, `SELECT count(*)::int AS n FROM bars WHERE timeframe = '1m'`)).toBe(200);
    expect(await count(a, `SELECT count(*)::int AS n FROM bars WHERE timeframe = '1d'`)).toBe(90);
    expect(
      await a.dataSource.query(`SELECT timeframe, to_ts > now() - interval '30 days' AS recent
                                  FROM data_gaps ORDER BY timeframe, from_ts`),
    ).toEqual([
      { timeframe: '1d', recent: false },
      { timeframe: '1m', recent: true },
    ]);
    expect((await retentionBarsDeleted.get()).values[0].value - deletedBefore).toBe(OLD_BARS + 50);

    // One notification per batch (3 of AAPL, 1 of GONE), none for MSFT.
    await eventually(
      async () => heard.length,
      (n) => n >= 4,
    );
    expect(heard.sort()).toEqual(['AAPL:1m', 'AAPL:1m', 'AAPL:1m', 'GONE:1m']);
    expect(await pageCount(a)).toBe(0);
    expect(
      await eventually(
        () => pageCount(b),
        (n) => n === 0,
      ),
    ).toBe(0);
  });

  it('records every pass in retention_runs', async () => {
    const second = await a.app.get(MinuteBarRetention).runPass('cli');
    expect(second).toMatchObject({ ran: true, barsDeleted: 0, series: 0, gapsDeleted: 0 });
    const runs = await a.dataSource.query(
      `SELECT trigger, status, bars_deleted::int AS bars, series, gaps_deleted AS gaps, error,
              finished_at >= started_at AS finished
         FROM retention_runs ORDER BY id`,
    );
    expect(runs).toEqual([
      {
        trigger: 'schedule',
        status: 'succeeded',
        bars: OLD_BARS + 50,
        series: 2,
        gaps: 1,
        error: null,
        finished: true,
      },
      {
        trigger: 'cli',
        status: 'succeeded',
        bars: 0,
        series: 0,
        gaps: 0,
        error: null,
        finished: true,
      },
    ]);
  });

  it('runs on one process at a time and marks a pass whose process died as interrupted', async () => {
    await a.dataSource.query(
      `INSERT INTO retention_runs (trigger, status, cutoff) VALUES ('schedule', 'running', now())`,
    );
    const holder = new Client({ connectionString: a.databaseUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.retention]);
      expect(await b.app.get(MinuteBarRetention).runPass('schedule')).toEqual({
        ran: false,
        reason: 'locked-elsewhere',
      });
    } finally {
      await holder.end();
    }
    expect(await b.app.get(MinuteBarRetention).runPass('schedule')).toMatchObject({ ran: true });
    const statuses = await a.dataSource.query<{ status: string }[]>(
      `SELECT status FROM retention_runs ORDER BY id`,
    );
    expect(statuses.map((r) => r.status)).toEqual([
      'succeeded',
      'succeeded',
      'interrupted',
      'succeeded',
    ]);
  });

  it('retention:run runs a pass from the command line', async () => {
    const res = await runNode('dist/cli.js', ['retention:run', '--json'], {
      DATABASE_URL: a.databaseUrl,
      MINUTE_BAR_RETENTION_DAYS: '1',
      LOG_LEVEL: 'warn',
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ barsDeleted: 200, series: 2, gapsDeleted: 1 });
    expect(new Date(out.cutoff).getTime()).toBeGreaterThan(Date.now() - DAY - 2 * MINUTE);
    expect(await count(a, `SELECT count(*)::int AS n FROM bars WHERE timeframe = '1m'`)).toBe(0);
  });
});

describe('minute-bar retention, off by default', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }]);
    await insertBars(t.dataSource, 'AAPL', '1m', makeBars(daysAgo(3_000), 10, MINUTE));
  });
  afterAll(() => t.close());

  it('schedules nothing and deletes nothing', async () => {
    expect(t.app.get(SchedulerRegistry).doesExist('cron', 'minute-bar-retention')).toBe(false);
    expect(await t.app.get(MinuteBarRetention).runPass('schedule')).toEqual({
      ran: false,
      reason: 'disabled',
    });
    expect(await count(t, `SELECT count(*)::int AS n FROM bars`)).toBe(10);
  });

  it('retention:run says how to switch it on, and a bad value stops the CLI with the rule', async () => {
    const cli = (env: Record<string, string>): Promise<CommandResult> =>
      runNode('dist/cli.js', ['retention:run'], { DATABASE_URL: t.databaseUrl, ...env });
    const off = await cli({});
    expect(off.code).toBe(1);
    expect(off.stderr).toContain('minute-bar retention is off: set MINUTE_BAR_RETENTION_DAYS');
    const bad = await cli({ MINUTE_BAR_RETENTION_DAYS: '3 months' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(
      'MINUTE_BAR_RETENTION_DAYS must be an integer from 0 to 36500; 0 keeps minute bars forever (got "3 months")',
    );
    expect(await count(t, `SELECT count(*)::int AS n FROM bars`)).toBe(10);
  });
});

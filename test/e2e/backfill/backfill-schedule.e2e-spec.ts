import request from 'supertest';

import { BackfillScheduler } from '../../../src/backfill/backfill-scheduler.service';
import { createApiKey } from '../../factories/api-keys';
import { insertSymbols } from '../../factories/symbols';
import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../../fake-polygon/fake-polygon-env';
import { startTestApp, TestApp } from '../../support/test-app';
import { terminateSchedulerLockHolder, waitForRun } from './backfill-helpers';

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('scheduled backfill', () => {
  let fake: FakePolygon;
  let a: TestApp;
  let b: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakePolygon({ pageSize: 50 });
    env = fakePolygonEnv(fake);
    a = await startTestApp({ env });
    b = await startTestApp({ env, databaseUrl: a.databaseUrl });
    await insertSymbols(a.dataSource, [
      { symbol: 'AAPL', timeframes: ['1d'] },
      { symbol: 'X:BTCUSD', assetClass: 'crypto', timeframes: ['1d'] },
    ]);
    // A short first window keeps the run quick: the fake renders daily bars from minutes.
    await a.dataSource.query(`UPDATE symbols SET backfill_from = current_date - 60`);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await fake.close();
  });
  afterEach(() => fake.clearFaults());

  it('runs once when two processes fire the same tick at once', async () => {
    const results = await Promise.all([
      a.app.get(BackfillScheduler).tick(),
      b.app.get(BackfillScheduler).tick(),
    ]);
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    expect(results.find((r) => !r.ran)).toMatchObject({
      reason: expect.stringMatching(/locked-elsewhere|slot-done/),
    });
    const runs = await a.dataSource.query(
      `SELECT status, trigger FROM backfill_runs WHERE trigger = 'schedule'`,
    );
    expect(runs).toEqual([{ status: 'succeeded', trigger: 'schedule' }]);
    const bars = await a.dataSource.query(`SELECT count(*)::int AS n FROM bars`);
    expect(bars[0].n).toBeGreaterThan(80); // 60 days of AAPL sessions and of BTC days
  });

  it('does not run the same slot twice', async () => {
    const again = await b.app.get(BackfillScheduler).tick();
    expect(again).toEqual({ ran: false, reason: 'slot-done' });
  });

  it('shows the schedule and the last run in the status', async () => {
    const { BackfillStatusService } = await import('../../../src/backfill/backfill-status.service');
    const status = await a.app.get(BackfillStatusService).schedulerStatus();
    expect(status).toMatchObject({
      enabled: false,
      cron: '0 2 * * *',
      timezone: 'UTC',
      nextRunAt: null,
      lastRun: { trigger: 'schedule', status: 'succeeded' },
    });
    expect(a.app.get(BackfillStatusService).dataSource()).toBe('polygon');
  });

  it('stops writing when the connection holding the lock dies', async () => {
    await a.dataSource.query(`DELETE FROM backfill_runs WHERE trigger = 'schedule'`);
    await insertSymbols(a.dataSource, [{ symbol: 'LOCK', timeframes: ['1d'] }]);
    // The second page never comes: the run is stuck mid-series when its lock is taken away.
    fake.setFault({ fault: { kind: 'hang' }, ticker: 'LOCK', pagesOnly: true });
    const tick = a.app.get(BackfillScheduler).tick();
    await until(async () => {
      const rows = await a.dataSource.query(
        `SELECT count(*)::int AS n FROM bars WHERE symbol = 'LOCK'`,
      );
      return rows[0].n > 0;
    });
    expect(await terminateSchedulerLockHolder(a.dataSource)).toBe(true);
    const result = await tick;
    expect(result).toMatchObject({ ran: true, status: 'interrupted' });
    const [run] = await a.dataSource.query(
      `SELECT status, error FROM backfill_runs WHERE trigger = 'schedule'`,
    );
    expect(run.status).toBe('interrupted');
    expect(run.error).toContain('lost the database session');
    const [{ n }] = await a.dataSource.query(
      `SELECT count(*)::int AS n FROM bars WHERE symbol = 'LOCK'`,
    );
    expect(n).toBe(50);
  });

  it('marks a run interrupted when the server shuts down, and the next run resumes it', async () => {
    const c = await startTestApp({ env, databaseUrl: a.databaseUrl });
    const admin = (await createApiKey(c.dataSource, { scopes: ['admin'] })).key;
    await insertSymbols(c.dataSource, [{ symbol: 'SHUT', timeframes: ['1d'] }]);
    fake.setFault({ fault: { kind: 'hang' }, ticker: 'SHUT', pagesOnly: true });
    const started = await request(c.url)
      .post('/api/v1/admin/backfill')
      .set('X-API-Key', admin)
      .send({ symbols: ['SHUT'], from: '2024-01-02', to: '2024-06-28' })
      .expect(202);
    await until(async () => {
      const rows = await a.dataSource.query(
        `SELECT count(*)::int AS n FROM bars WHERE symbol = 'SHUT'`,
      );
      return rows[0].n > 0;
    });
    await c.close();
    const [run] = await a.dataSource.query(`SELECT status FROM backfill_runs WHERE id = $1`, [
      started.body.runId,
    ]);
    expect(run.status).toBe('interrupted');
    const [series] = await a.dataSource.query(
      `SELECT status FROM backfill_run_series WHERE run_id = $1`,
      [started.body.runId],
    );
    expect(series.status).toBe('interrupted');

    fake.clearFaults();
    const resumed = await request(a.url)
      .post('/api/v1/admin/backfill')
      .set('X-API-Key', admin)
      .send({ symbols: ['SHUT'], to: '2024-06-28' })
      .expect(202);
    const done = await waitForRun(a.url, admin, resumed.body.runId);
    expect(done.status).toBe('succeeded');
    // Resumed from the last stored bar: only the rest (plus that bar's day again) was fetched.
    expect(done.barsFetched).toBeLessThan(
      fake.expectedBars('SHUT', '1d', '2024-01-02', '2024-06-28').length,
    );
    const [{ n }] = await a.dataSource.query(
      `SELECT count(*)::int AS n FROM bars WHERE symbol = 'SHUT'`,
    );
    expect(n).toBe(fake.expectedBars('SHUT', '1d', '2024-01-02', '2024-06-28').length);
  });
});

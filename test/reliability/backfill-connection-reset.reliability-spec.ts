import request from 'supertest';
import { DataSource } from 'typeorm';

import { backfill, RunBody, storedBars, waitForRun } from '../e2e/backfill/backfill-helpers';
import { createApiKey } from '../factories/api-keys';
import { insertSymbols } from '../factories/symbols';
import { FakePolygon, startFakePolygon } from '../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../fake-polygon/fake-polygon-env';
import { TcpFaultProxy } from '../support/tcp-fault-proxy';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';

const FROM = '2024-01-02';
const TO = '2024-02-29';
const SYMBOLS = ['AAPL', 'MSFT'];

/**
 * Item 7: every database connection of a running backfill is reset while batches are being
 * written — once alone, once followed by a short outage (new connections refused, as during a
 * failover), so that the run's own bookkeeping fails at first too. Either way the open batch rolls
 * back (each series holds a gap-free prefix of upstream), the run and each of its series record
 * the failure (never left `running`), and the next run resumes from the watermark to exactly the
 * upstream bars.
 */
describe('backfill whose database connections are reset mid-batch', () => {
  let fake: FakePolygon;

  beforeAll(async () => {
    fake = await startFakePolygon({ pageSize: 1_000 });
  });

  afterAll(async () => {
    await fake?.close();
  });

  async function withFaultedApp(
    work: (t: TestApp, proxy: TcpFaultProxy, direct: DataSource, admin: string) => Promise<void>,
  ): Promise<void> {
    const databaseUrl = await createTestDatabase('reset');
    const target = new URL(databaseUrl);
    const proxy = await TcpFaultProxy.start(target.hostname, Number(target.port));
    const direct = new DataSource({ type: 'postgres', url: databaseUrl });
    let t: TestApp | undefined;
    try {
      t = await startTestApp({
        databaseUrl: proxy.rewrite(databaseUrl),
        env: { ...fakePolygonEnv(fake), POLYGON_RETRY_BASE_MS: '50' },
      });
      await direct.initialize();
      const admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
      await insertSymbols(
        t.dataSource,
        SYMBOLS.map((symbol) => ({ symbol, timeframes: ['1m'] })),
      );
      await work(t, proxy, direct, admin);
    } finally {
      if (direct.isInitialized) await direct.destroy();
      await t?.app.close();
      await proxy.close();
      await dropTestDatabase(databaseUrl);
    }
  }

  /** Starts a backfill and returns once its first batch is committed. */
  async function startAndWaitForFirstBatch(
    t: TestApp,
    direct: DataSource,
    admin: string,
  ): Promise<string> {
    const started = await request(t.url)
      .post('/api/v1/admin/backfill')
      .set('X-API-Key', admin)
      .send({ timeframes: ['1m'], from: FROM, to: TO });
    expect(started.status).toBe(202);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows: { n: number }[] = await direct.query(`SELECT count(*)::int AS n FROM bars`);
      if (rows[0].n > 0) return started.body.runId as string;
      if (Date.now() > deadline) throw new Error('no batch was written within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function expectFailureRecordedAndResumed(
    t: TestApp,
    direct: DataSource,
    admin: string,
    failed: RunBody,
  ): Promise<void> {
    expect(failed.status).not.toBe('succeeded');
    expect(failed.error).toEqual(expect.any(String));
    for (const series of failed.series) {
      expect(series.status).not.toBe('running');
      if (series.status !== 'succeeded') expect(series.error).toEqual(expect.any(String));
    }
    for (const symbol of SYMBOLS) {
      const times = (await storedBars(direct, symbol, '1m')).map((b) => b.ts);
      const upstream = fake.expectedBars(symbol, '1m', FROM, TO).map((b) => b.ts);
      expect(times).toEqual(upstream.slice(0, times.length));
    }

    const resumed = await backfill(t.url, admin, { timeframes: ['1m'], from: FROM, to: TO });
    expect(resumed.status).toBe('succeeded');
    for (const symbol of SYMBOLS) {
      expect(await storedBars(direct, symbol, '1m')).toEqual(
        fake.expectedBars(symbol, '1m', FROM, TO),
      );
    }
  }

  it('rolls the batch back, records the failure and resumes to the upstream bars', async () => {
    await withFaultedApp(async (t, proxy, direct, admin) => {
      const runId = await startAndWaitForFirstBatch(t, direct, admin);
      proxy.resetAll();
      const failed = await waitForRun(t.url, admin, runId, 30_000);
      await expectFailureRecordedAndResumed(t, direct, admin, failed);
    });
  });

  it('records the failure even when the database stays unreachable for a moment', async () => {
    await withFaultedApp(async (t, proxy, direct, admin) => {
      const runId = await startAndWaitForFirstBatch(t, direct, admin);
      await proxy.setMode('refuse');
      proxy.resetAll();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await proxy.setMode('pass');
      const failed = await waitForRun(t.url, admin, runId, 30_000);
      await expectFailureRecordedAndResumed(t, direct, admin, failed);
    });
  });
});

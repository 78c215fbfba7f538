import { BackfillScheduler } from '../../src/backfill/backfill-scheduler.service';
import { terminateSchedulerLockHolder } from '../e2e/backfill/backfill-helpers';
import { insertSymbols } from '../factories/symbols';
import { FakePolygon, startFakePolygon } from '../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../fake-polygon/fake-polygon-env';
import { startTestApp, TestApp } from '../support/test-app';

const SYMBOLS = [
  { symbol: 'AAPL', timeframes: ['1m' as const] },
  { symbol: 'MSFT', timeframes: ['1m' as const] },
];

/**
 * Item 10: three processes fire the schedule at the same instant: one run happens, and it asks
 * upstream exactly what a single process's run asks. Killing the lock holder's database backend
 * stops its writes within 10 s, and the next process's run starts only after it ended.
 */
describe('three processes and one schedule', () => {
  let fake: FakePolygon;
  const apps: TestApp[] = [];

  async function cluster(count: number): Promise<TestApp[]> {
    const first = await startTestApp({ env: fakePolygonEnv(fake) });
    const rest = await Promise.all(
      Array.from({ length: count - 1 }, () =>
        startTestApp({ env: fakePolygonEnv(fake), databaseUrl: first.databaseUrl }),
      ),
    );
    await insertSymbols(first.dataSource, SYMBOLS);
    // A week of minutes: a run of several pages per series, quick enough to repeat.
    await first.dataSource.query(`UPDATE symbols SET backfill_from = current_date - 7`);
    const group = [first, ...rest];
    apps.push(...group);
    return group;
  }

  beforeAll(async () => {
    fake = await startFakePolygon({ pageSize: 200 });
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await fake?.close();
  });

  it('runs once, with the upstream calls of a single run', async () => {
    const [single] = await cluster(1);
    let before = fake.aggregateRequests().length;
    expect(await single.app.get(BackfillScheduler).tick()).toMatchObject({ ran: true });
    const singleCalls = fake.aggregateRequests().length - before;

    const three = await cluster(3);
    before = fake.aggregateRequests().length;
    const results = await Promise.all(three.map((t) => t.app.get(BackfillScheduler).tick()));
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    expect(fake.aggregateRequests().length - before).toBe(singleCalls);
    const runs = await three[0].dataSource.query(
      `SELECT status FROM backfill_runs WHERE trigger = 'schedule'`,
    );
    expect(runs).toEqual([{ status: 'succeeded' }]);
  });

  it('stops the lock holder within 10 s when its backend dies; runs never overlap', async () => {
    const [a, b] = await cluster(2);
    // Slow pages keep the run writing for a while.
    fake.setFault({ fault: { kind: 'hang' }, pagesOnly: true, skip: 2 });
    const tick = a.app.get(BackfillScheduler).tick();
    const count = async (): Promise<number> => {
      const rows: { n: number }[] = await a.dataSource.query(`SELECT count(*)::int AS n FROM bars`);
      return rows[0].n;
    };
    const deadline = Date.now() + 30_000;
    while ((await count()) === 0) {
      if (Date.now() > deadline) throw new Error('the scheduled run wrote nothing in 30 s');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const killedAt = Date.now();
    expect(await terminateSchedulerLockHolder(a.dataSource)).toBe(true);
    expect(await tick).toMatchObject({ ran: true, status: 'interrupted' });
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const frozen = await count();
    fake.clearFaults();
    // The holder wrote nothing more once it knew its lock was gone.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await count()).toBe(frozen);

    // Another process may take the schedule now; its run starts after the first one ended.
    const next = await b.app.get(BackfillScheduler).tick();
    const runs: { status: string; started_at: Date; finished_at: Date | null }[] =
      await a.dataSource.query(
        `SELECT status, started_at, finished_at FROM backfill_runs
          WHERE trigger = 'schedule' ORDER BY started_at`,
      );
    expect(runs[0].status).toBe('interrupted');
    if (next.ran) {
      expect(runs).toHaveLength(2);
      expect(runs[1].started_at.getTime()).toBeGreaterThanOrEqual(runs[0].finished_at!.getTime());
    } else {
      expect(next).toMatchObject({ reason: 'slot-done' });
    }
  });
});

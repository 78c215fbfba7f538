import { Deployment, send, startDeployment } from './support/deployment';

/** The first whole UTC minute at least `leadMs` from now: the processes must be up by then. */
function nextMinute(leadMs: number): Date {
  const at = new Date(Date.now() + leadMs);
  at.setUTCSeconds(0, 0);
  return new Date(at.getTime() + 60_000);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('two API processes behind nginx', () => {
  let d: Deployment;
  let fireAt: Date;

  beforeAll(async () => {
    fireAt = nextMinute(15_000);
    d = await startDeployment({
      env: {
        BACKFILL_ENABLED: 'true',
        BACKFILL_SCHEDULE_HOUR: String(fireAt.getUTCHours()),
        BACKFILL_SCHEDULE_MINUTE: String(fireAt.getUTCMinutes()),
      },
    });
    await d.query(
      `INSERT INTO symbols (symbol, name, asset_class, exchange, timeframes, backfill_from)
       VALUES ('SCHD', 'Schedule Inc.', 'stocks', 'XNAS', '{1d}', current_date - 20)`,
    );
  });
  afterAll(() => d?.close());

  it('runs the scheduled backfill once when it fires on both processes at once', async () => {
    for (const api of d.apis) {
      expect(api.output()).toContain(`${fireAt.getUTCMinutes()} ${fireAt.getUTCHours()} * * *`);
    }
    const finished = async () => {
      const rows = await d.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM backfill_runs
          WHERE trigger = 'schedule' AND finished_at IS NOT NULL`,
      );
      return rows[0].n > 0;
    };
    await until(finished, fireAt.getTime() - Date.now() + 60_000);
    // Both processes have fired by now (their clocks agree to well within this margin).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const runs = await d.query<{ status: string }>(
      `SELECT status FROM backfill_runs WHERE trigger = 'schedule'`,
    );
    expect(runs).toEqual([{ status: 'succeeded' }]);
  }, 150_000);

  it('loses no GET when one process is killed mid-traffic', async () => {
    const CLIENTS = 12;
    const statuses: number[] = [];
    let stop = false;
    // Each client its own address at ~25 requests/s, under the edge limit of 50/s per address.
    const clients = Array.from({ length: CLIENTS }, async (_, i) => {
      while (!stop) {
        const res = await send(d.nginx.url, '/api/v1/historical/SCHD?timeframe=1d&limit=5', {
          localAddress: `127.0.1.${i + 1}`,
        }).catch(() => ({ status: 0 }));
        statuses.push(res.status);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const before = statuses.length;
    d.apis[1].proc.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    stop = true;
    await Promise.all(clients);

    expect(before).toBeGreaterThan(CLIENTS * 10);
    expect(statuses.length - before).toBeGreaterThan(CLIENTS * 10);
    // nginx hands a GET whose replica vanished to the other one, in flight or not.
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});

import request from 'supertest';
import { DataSource } from 'typeorm';

import { ADVISORY_LOCKS } from '../../../src/database/advisory-locks';
import type { Bar } from '../../../src/market/bar';

/** Polls a run until it leaves `running` (bounded); returns the run with its series. */
export async function waitForRun(
  url: string,
  key: string,
  runId: string,
  timeoutMs = 90_000,
): Promise<RunBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(url)
      .get(`/api/v1/admin/backfill/runs/${runId}`)
      .set('X-API-Key', key);
    if (res.status !== 200) throw new Error(`GET run ${runId}: ${res.status} ${res.text}`);
    if (res.body.status !== 'running') return res.body as RunBody;
    if (Date.now() > deadline) throw new Error(`run ${runId} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface RunBody {
  id: string;
  status: string;
  barsFetched: number;
  barsWritten: number;
  barsRejected: number;
  warnings: number;
  error: string | null;
  progress: { seriesDone: number; seriesTotal: number };
  series: {
    symbol: string;
    timeframe: string;
    status: string;
    barsFetched: number;
    barsWritten: number;
    barsRejected: number;
    pages: number;
    error: string | null;
    warnings: string[];
  }[];
}

/** Starts a backfill over the admin API and waits for it to finish. */
export async function backfill(
  url: string,
  key: string,
  body: Record<string, unknown>,
): Promise<RunBody> {
  const res = await request(url).post('/api/v1/admin/backfill').set('X-API-Key', key).send(body);
  if (res.status !== 202) throw new Error(`POST backfill: ${res.status} ${res.text}`);
  return waitForRun(url, key, res.body.runId);
}

/** A series as stored, in the provider's shape, for bar-for-bar comparison with upstream. */
export async function storedBars(
  dataSource: DataSource,
  symbol: string,
  timeframe: string,
): Promise<Bar[]> {
  const rows: Record<string, string | number | null>[] = await dataSource.query(
    `SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts, open, high, low, close, volume, vwap,
            trades
       FROM bars WHERE symbol = $1 AND timeframe = $2 ORDER BY ts`,
    [symbol, timeframe],
  );
  return rows.map((row) => ({
    ts: Number(row.ts),
    open: row.open as number,
    high: row.high as number,
    low: row.low as number,
    close: row.close as number,
    volume: row.volume as number,
    vwap: row.vwap as number | null,
    trades: row.trades === null ? null : Number(row.trades),
  }));
}

/** Kills the database backend holding the scheduler's advisory lock; true when there was one. */
export async function terminateSchedulerLockHolder(dataSource: DataSource): Promise<boolean> {
  const rows: { ok: boolean }[] = await dataSource.query(
    `SELECT pg_terminate_backend(pid) AS ok FROM pg_locks
      WHERE locktype = 'advisory' AND objsubid = 1 AND granted
        AND ((classid::bigint << 32) | objid::bigint) = $1`,
    [ADVISORY_LOCKS.scheduler],
  );
  return rows.length === 1 && rows[0].ok;
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { RUN_LIVENESS_NAMESPACE } from '../database/advisory-locks';
import type { BaseTimeframe } from '../market/timeframes';
import { timed } from '../metrics';

export type RunTrigger = 'schedule' | 'manual' | 'cli' | 'repair' | 'demo';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';
export type SeriesStatus =
  'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted';

export const RUN_STATUSES: readonly RunStatus[] = [
  'queued',
  'running',
  'succeeded',
  'partial',
  'failed',
  'interrupted',
];

export interface PlannedSeriesRow {
  symbol: string;
  timeframe: BaseTimeframe;
  from: Date | null;
  to: Date | null;
  status: SeriesStatus;
}

export interface NewRun {
  trigger: RunTrigger;
  symbols: string[];
  timeframes: string[];
  fromDate: string | null;
  toDate: string | null;
  requestedBy: string | null;
  owner: string;
  series: PlannedSeriesRow[];
}

export interface RunRow {
  id: string;
  trigger: RunTrigger;
  status: RunStatus;
  symbols: string[];
  timeframes: string[];
  from_date: string | null;
  to_date: string | null;
  bars_fetched: string;
  bars_written: string;
  bars_rejected: string;
  /** Warnings recorded on the run's series. */
  warnings: number;
  series_total: number;
  series_done: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface RunSeriesRow {
  symbol: string;
  timeframe: BaseTimeframe;
  status: SeriesStatus;
  from_ts: Date | null;
  to_ts: Date | null;
  bars_fetched: string;
  bars_written: string;
  bars_rejected: string;
  pages: number;
  error: string | null;
  warnings: string[];
  started_at: Date | null;
  finished_at: Date | null;
}

const RUN_COLUMNS = `id, trigger, status, symbols, timeframes, from_date::text AS from_date,
  to_date::text AS to_date, bars_fetched, bars_written, bars_rejected, warnings, series_total, series_done, error,
  created_at, started_at, finished_at`;

/** All SQL about backfill runs and their per-series progress. */
@Injectable()
export class BackfillRunsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts a running run and its series in one statement. Returns false when the unique
   * "one scheduled run at a time" index refuses it (another process is running the schedule).
   * The id comes from the caller, which takes the run's liveness lock before inserting.
   */
  async insertRunningRun(id: string, run: NewRun): Promise<boolean> {
    const params = [
      id,
      run.trigger,
      run.symbols,
      run.timeframes,
      run.fromDate,
      run.toDate,
      run.series.length,
      run.requestedBy,
      run.owner,
      JSON.stringify(
        run.series.map((s) => ({
          symbol: s.symbol,
          timeframe: s.timeframe,
          status: s.status,
          from_ts: s.from?.toISOString() ?? null,
          to_ts: s.to?.toISOString() ?? null,
        })),
      ),
    ];
    try {
      const rows: { id: string }[] = await timed(
        'BackfillRunsRepository.insertRunningRun',
        () =>
          this.dataSource.query(
            `WITH run AS (
               INSERT INTO backfill_runs (id, trigger, status, symbols, timeframes, from_date,
                                          to_date, series_total, series_done, requested_by, owner,
                                          started_at)
               VALUES ($1, $2, 'running', $3, $4, $5, $6, $7,
                       (SELECT count(*) FROM jsonb_array_elements($10::jsonb) s
                         WHERE s->>'status' = 'skipped'),
                       $8, $9, now())
               RETURNING id
             ), series AS (
               INSERT INTO backfill_run_series (run_id, symbol, timeframe, status, from_ts, to_ts)
               SELECT run.id, s.symbol, s.timeframe, s.status, s.from_ts, s.to_ts
                 FROM run, jsonb_to_recordset($10::jsonb)
                        AS s(symbol text, timeframe text, status text, from_ts timestamptz, to_ts timestamptz)
             )
             SELECT id FROM run`,
            params,
          ),
        params,
      );
      return rows.length === 1;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return false;
      throw error;
    }
  }

  async markSeriesRunning(runId: string, symbol: string, timeframe: string): Promise<void> {
    await timed('BackfillRunsRepository.markSeriesRunning', () =>
      this.dataSource.query(
        `UPDATE backfill_run_series SET status = 'running', started_at = now()
          WHERE run_id = $1 AND symbol = $2 AND timeframe = $3`,
        [runId, symbol, timeframe],
      ),
    );
  }

  /** Adds bars dropped for impossible values to the series' and the run's counts. */
  async addRejected(
    runId: string,
    symbol: string,
    timeframe: string,
    rejected: number,
  ): Promise<void> {
    await timed('BackfillRunsRepository.addRejected', () =>
      this.dataSource.query(
        `WITH s AS (
           UPDATE backfill_run_series SET bars_rejected = bars_rejected + $4
            WHERE run_id = $1 AND symbol = $2 AND timeframe = $3
         )
         UPDATE backfill_runs SET bars_rejected = bars_rejected + $4 WHERE id = $1`,
        [runId, symbol, timeframe, rejected],
      ),
    );
  }

  /** Records what went wrong without failing the series (and counts it on the run). */
  async addWarnings(
    runId: string,
    symbol: string,
    timeframe: string,
    warnings: string[],
  ): Promise<void> {
    await timed('BackfillRunsRepository.addWarnings', () =>
      this.dataSource.query(
        `WITH s AS (
           UPDATE backfill_run_series SET warnings = warnings || $4::text[]
            WHERE run_id = $1 AND symbol = $2 AND timeframe = $3
         )
         UPDATE backfill_runs SET warnings = warnings + cardinality($4::text[]) WHERE id = $1`,
        [runId, symbol, timeframe, warnings],
      ),
    );
  }

  /** Adds one page's counts to the series and to the run's totals, so progress is live. */
  async addPageProgress(
    runId: string,
    symbol: string,
    timeframe: string,
    fetched: number,
    written: number,
  ): Promise<void> {
    await timed('BackfillRunsRepository.addPageProgress', () =>
      this.dataSource.query(
        `WITH s AS (
           UPDATE backfill_run_series
              SET bars_fetched = bars_fetched + $4, bars_written = bars_written + $5,
                  pages = pages + 1
            WHERE run_id = $1 AND symbol = $2 AND timeframe = $3
         )
         UPDATE backfill_runs SET bars_fetched = bars_fetched + $4, bars_written = bars_written + $5
          WHERE id = $1`,
        [runId, symbol, timeframe, fetched, written],
      ),
    );
  }

  async finishSeries(
    runId: string,
    symbol: string,
    timeframe: string,
    status: SeriesStatus,
    error: string | null,
  ): Promise<void> {
    await timed('BackfillRunsRepository.finishSeries', () =>
      this.dataSource.query(
        `WITH s AS (
           UPDATE backfill_run_series SET status = $4, error = $5, finished_at = now()
            WHERE run_id = $1 AND symbol = $2 AND timeframe = $3
         )
         UPDATE backfill_runs SET series_done = series_done + 1 WHERE id = $1`,
        [runId, symbol, timeframe, status, error],
      ),
    );
  }

  /** Final status; series still pending or running are marked interrupted with it. */
  async finishRun(runId: string, status: RunStatus, error: string | null): Promise<void> {
    await timed('BackfillRunsRepository.finishRun', () =>
      this.dataSource.query(
        `WITH s AS (
           UPDATE backfill_run_series SET status = 'interrupted', finished_at = now()
            WHERE run_id = $1 AND status IN ('pending', 'running')
         )
         UPDATE backfill_runs SET status = $2, error = $3, finished_at = now()
          WHERE id = $1 AND status = 'running'`,
        [runId, status, error],
      ),
    );
  }

  /**
   * Marks `running` runs whose process is gone (nobody holds their liveness lock) as
   * interrupted, so history tells the truth and the scheduled-run backstop index is freed.
   */
  async interruptOrphanedRuns(): Promise<number> {
    const rows: { id: string }[] = await timed('BackfillRunsRepository.interruptOrphanedRuns', () =>
      this.dataSource.query(
        `WITH orphaned AS (
           SELECT r.id FROM backfill_runs r
            WHERE r.status = 'running'
              AND NOT EXISTS (
                SELECT 1 FROM pg_locks l
                 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                   AND l.classid = $1::int::oid
                   AND l.objid = hashtext(r.id::text)::oid)
         ), s AS (
           UPDATE backfill_run_series SET status = 'interrupted', finished_at = now()
            WHERE run_id IN (SELECT id FROM orphaned) AND status IN ('pending', 'running')
         )
         UPDATE backfill_runs SET status = 'interrupted', finished_at = now(),
                error = coalesce(error, 'the process running it stopped')
          WHERE id IN (SELECT id FROM orphaned)
         RETURNING id`,
        [RUN_LIVENESS_NAMESPACE],
      ),
    );
    return rows.length;
  }

  async findRuns(filter: {
    status?: RunStatus;
    symbol?: string;
    limit: number;
    offset: number;
  }): Promise<{ rows: RunRow[]; total: number }> {
    const params = [filter.status ?? null, filter.symbol ?? null, filter.limit, filter.offset];
    const rows: (RunRow & { total: string })[] = await timed(
      'BackfillRunsRepository.findRuns',
      () =>
        this.dataSource.query(
          `SELECT ${RUN_COLUMNS}, count(*) OVER () AS total FROM backfill_runs r
            WHERE ($1::text IS NULL OR r.status = $1)
              AND ($2::text IS NULL OR EXISTS (
                    SELECT 1 FROM backfill_run_series s WHERE s.run_id = r.id AND s.symbol = $2))
            ORDER BY r.created_at DESC, r.id
            LIMIT $3 OFFSET $4`,
          params,
        ),
      params,
    );
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
  }

  async findRun(id: string): Promise<RunRow | null> {
    const rows: RunRow[] = await timed('BackfillRunsRepository.findRun', () =>
      this.dataSource.query(`SELECT ${RUN_COLUMNS} FROM backfill_runs WHERE id = $1`, [id]),
    );
    return rows[0] ?? null;
  }

  async findRunSeries(id: string): Promise<RunSeriesRow[]> {
    return timed('BackfillRunsRepository.findRunSeries', () =>
      this.dataSource.query(
        `SELECT symbol, timeframe, status, from_ts, to_ts, bars_fetched, bars_written, bars_rejected, pages,
                error, warnings, started_at, finished_at
           FROM backfill_run_series WHERE run_id = $1 ORDER BY symbol, timeframe`,
        [id],
      ),
    );
  }

  /** Whether a scheduled run was started at or after `since` (the current schedule slot). */
  async scheduledRunStartedSince(since: Date): Promise<boolean> {
    const rows: unknown[] = await timed('BackfillRunsRepository.scheduledRunStartedSince', () =>
      this.dataSource.query(
        `SELECT 1 FROM backfill_runs WHERE trigger = 'schedule' AND created_at >= $1 LIMIT 1`,
        [since],
      ),
    );
    return rows.length > 0;
  }

  async findLatestRun(): Promise<RunRow | null> {
    const rows: RunRow[] = await timed('BackfillRunsRepository.findLatestRun', () =>
      this.dataSource.query(
        `SELECT ${RUN_COLUMNS} FROM backfill_runs ORDER BY created_at DESC LIMIT 1`,
      ),
    );
    return rows[0] ?? null;
  }
}

import type { PoolClient } from 'pg';

import { SERIES_CHANGED_CHANNEL } from '../common/series-changes';
import { timed } from '../metrics';

export type RetentionTrigger = 'schedule' | 'cli';
export type RetentionStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

/** Counters of one pass, as stored in `retention_runs`. */
export interface RetentionTotals {
  barsDeleted: number;
  series: number;
  gapsDeleted: number;
}

type Client = Pick<PoolClient, 'query'>;

/**
 * The SQL of the minute-bar retention job. Every statement runs on the connection that holds the
 * job's advisory lock, so a lost connection ends the pass together with the lock.
 */
export class RetentionRepository {
  constructor(private readonly client: Client) {}

  /** Passes left `running` by a process that died; called while holding the job's lock. */
  async interruptOrphanedRuns(): Promise<void> {
    await this.query(
      'interruptOrphanedRuns',
      `UPDATE retention_runs SET status = 'interrupted', finished_at = now()
        WHERE status = 'running'`,
      [],
    );
  }

  async startRun(trigger: RetentionTrigger, cutoff: Date): Promise<string> {
    const rows = await this.query<{ id: string }>(
      'startRun',
      `INSERT INTO retention_runs (trigger, status, cutoff) VALUES ($1, 'running', $2) RETURNING id`,
      [trigger, cutoff],
    );
    return rows[0].id;
  }

  /** Progress after each series, so a pass that dies still shows what it deleted. */
  async recordProgress(id: string, totals: RetentionTotals): Promise<void> {
    await this.query(
      'recordProgress',
      `UPDATE retention_runs SET bars_deleted = $2, series = $3, gaps_deleted = $4 WHERE id = $1`,
      [id, totals.barsDeleted, totals.series, totals.gapsDeleted],
    );
  }

  async finishRun(
    id: string,
    status: 'succeeded' | 'failed',
    totals: RetentionTotals,
    error: string | null,
  ): Promise<void> {
    await this.query(
      'finishRun',
      `UPDATE retention_runs
          SET status = $2, bars_deleted = $3, series = $4, gaps_deleted = $5, error = $6,
              finished_at = now()
        WHERE id = $1`,
      [id, status, totals.barsDeleted, totals.series, totals.gapsDeleted, error],
    );
  }

  /**
   * Symbols that may hold minute bars: every series the writer has written (it keeps a watermark
   * per series) and every symbol configured for `1m`. Read from these small tables rather than
   * from `bars`, where a DISTINCT would read the whole table (and decompress TimescaleDB chunks).
   */
  async minuteSeries(): Promise<string[]> {
    const rows = await this.query<{ symbol: string }>(
      'minuteSeries',
      `SELECT symbol FROM series_watermarks WHERE timeframe = '1m'
        UNION
       SELECT symbol FROM symbols WHERE '1m' = ANY (timeframes)
        ORDER BY 1`,
      [],
    );
    return rows.map((row) => row.symbol);
  }

  /**
   * Deletes the oldest `limit` minute bars of one symbol before `cutoff` and announces the change
   * to every process (`bars_changed`, delivered at commit), in one transaction. Bounded by the
   * primary key: the batch ends before the (limit+1)-th oldest bar, so each statement deletes
   * at most `limit` rows along one index range. Returns the number deleted.
   */
  async deleteMinuteBatch(symbol: string, cutoff: Date, limit: number): Promise<number> {
    const params = [symbol, cutoff, limit];
    await this.client.query('BEGIN');
    try {
      const result = await timed(
        'RetentionRepository.deleteMinuteBatch',
        () =>
          this.client.query(
            `DELETE FROM bars
              WHERE symbol = $1 AND timeframe = '1m' AND ts < $2
                AND ts < COALESCE(
                      (SELECT ts FROM bars
                        WHERE symbol = $1 AND timeframe = '1m' AND ts < $2
                        ORDER BY ts OFFSET $3 LIMIT 1),
                      $2)`,
            params,
          ),
        params,
      );
      const deleted = result.rowCount ?? 0;
      if (deleted > 0) {
        await this.client.query(`SELECT pg_notify('${SERIES_CHANGED_CHANNEL}', $1)`, [
          `${symbol}:1m`,
        ]);
      }
      await this.client.query('COMMIT');
      return deleted;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Gap records of minute bars that end before the cutoff: they describe data no longer kept, and
   * a repair of one would fetch bars the next pass deletes again.
   */
  async deleteMinuteGaps(cutoff: Date): Promise<number> {
    const rows = await this.query<unknown>(
      'deleteMinuteGaps',
      `DELETE FROM data_gaps WHERE timeframe = '1m' AND to_ts < $1 RETURNING 1`,
      [cutoff],
    );
    return rows.length;
  }

  private async query<T>(method: string, sql: string, params: unknown[]): Promise<T[]> {
    const result = await timed(
      `RetentionRepository.${method}`,
      () => this.client.query(sql, params),
      params,
    );
    return result.rows as T[];
  }
}

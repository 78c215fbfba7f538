import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { Clock } from '../common/clock';
import { SeriesChanges } from '../common/series-changes';
import { AppConfig } from '../config/app-config';
import { ADVISORY_LOCKS, withAdvisoryLock } from '../database/advisory-locks';
import { acquireRawConnection } from '../database/raw-pg-client';
import { retentionBarsDeleted, retentionRuns } from '../metrics';
import { RetentionRepository, RetentionTotals, RetentionTrigger } from './retention.repository';

/**
 * Minute bars per delete transaction. Small enough that each transaction holds its row locks,
 * WAL burst and (on TimescaleDB) decompressed batches briefly, and that readers and replicas see
 * steady progress; large enough that a year of one symbol's minute bars (~100,000) takes ten.
 */
export const RETENTION_BATCH_BARS = 10_000;

const DAY_MS = 86_400_000;

export type RetentionPass =
  | { ran: false; reason: 'disabled' | 'locked-elsewhere' }
  | ({ ran: true; runId: string; cutoff: Date } & RetentionTotals);

/**
 * Deletes minute bars older than MINUTE_BAR_RETENTION_DAYS; daily bars are never touched.
 *
 * Not TimescaleDB's `add_retention_policy`: it drops whole chunks, and a chunk holds the daily
 * bars of its week too. This runs the same way on plain PostgreSQL and TimescaleDB: one symbol at
 * a time, in batches of RETENTION_BATCH_BARS, each its own transaction that also NOTIFYs
 * `bars_changed`, so every process's read cache drops that series' pages at commit. One process
 * runs a pass at a time (advisory lock); each pass is recorded in `retention_runs`.
 */
@Injectable()
export class MinuteBarRetention {
  private readonly logger = new Logger(MinuteBarRetention.name);

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly changes: SeriesChanges,
    private readonly clock: Clock,
  ) {}

  /** Minute bars older than this many days are deleted; 0: kept forever. */
  get days(): number {
    return this.config.retention.minuteBarDays;
  }

  get enabled(): boolean {
    return this.days > 0;
  }

  /** The instant before which minute bars are deleted, to the minute. */
  cutoff(): Date {
    const at = this.clock.now().getTime() - this.days * DAY_MS;
    return new Date(at - (at % 60_000));
  }

  async runPass(trigger: RetentionTrigger): Promise<RetentionPass> {
    if (!this.enabled) return { ran: false, reason: 'disabled' };
    const connection = await acquireRawConnection(this.dataSource);
    try {
      const result = await withAdvisoryLock(
        connection.client,
        ADVISORY_LOCKS.retention,
        { wait: false },
        () => this.deleteExpired(new RetentionRepository(connection.client), trigger),
      );
      return result.acquired ? result.value : { ran: false, reason: 'locked-elsewhere' };
    } finally {
      await connection.release();
    }
  }

  private async deleteExpired(
    repository: RetentionRepository,
    trigger: RetentionTrigger,
  ): Promise<RetentionPass> {
    await repository.interruptOrphanedRuns();
    const cutoff = this.cutoff();
    const runId = await repository.startRun(trigger, cutoff);
    const totals: RetentionTotals = { barsDeleted: 0, series: 0, gapsDeleted: 0 };
    try {
      for (const symbol of await repository.minuteSeries()) {
        const deleted = await this.deleteSeries(repository, symbol, cutoff);
        if (deleted === 0) continue;
        totals.barsDeleted += deleted;
        totals.series += 1;
        await repository.recordProgress(runId, totals);
      }
      totals.gapsDeleted = await repository.deleteMinuteGaps(cutoff);
      await repository.finishRun(runId, 'succeeded', totals, null);
    } catch (error) {
      retentionRuns.inc({ status: 'failed' });
      const message = error instanceof Error ? error.message : String(error);
      await repository.finishRun(runId, 'failed', totals, message).catch(() => undefined);
      throw error;
    }
    retentionRuns.inc({ status: 'succeeded' });
    if (totals.barsDeleted + totals.gapsDeleted > 0) {
      this.logger.log(
        `minute bars before ${cutoff.toISOString()}: ${totals.barsDeleted} deleted in ${totals.series} series, ${totals.gapsDeleted} gap records`,
      );
    }
    return { ran: true, runId, cutoff, ...totals };
  }

  private async deleteSeries(
    repository: RetentionRepository,
    symbol: string,
    cutoff: Date,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await repository.deleteMinuteBatch(symbol, cutoff, RETENTION_BATCH_BARS);
      if (deleted === 0) return total;
      total += deleted;
      retentionBarsDeleted.inc(deleted);
      // Other processes hear the NOTIFY; this one's subscribers are told here, after the commit.
      this.changes.publish(symbol, '1m');
      if (deleted < RETENTION_BATCH_BARS) return total;
    }
  }
}

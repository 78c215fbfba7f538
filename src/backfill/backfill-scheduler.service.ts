import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { DataSource } from 'typeorm';

import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { ADVISORY_LOCKS, withAdvisoryLock } from '../database/advisory-locks';
import { acquireRawConnection } from '../database/raw-pg-client';
import { BackfillRunner } from './backfill-runner.service';
import { BackfillRunsRepository } from './backfill-runs.repository';
import { nextDailyRun, scheduleCron } from './backfill-status.service';

const JOB_NAME = 'backfill';

export type TickResult =
  | { ran: true; runId: string; status: string }
  | { ran: false; reason: 'busy-here' | 'locked-elsewhere' | 'already-running' | 'slot-done' };

/**
 * The daily scheduled backfill (cron `BACKFILL_SCHEDULE_MINUTE BACKFILL_SCHEDULE_HOUR * * *`,
 * UTC), incremental for every active symbol.
 *
 * Exactly one process runs a tick: it must win `pg_try_advisory_lock` on one dedicated
 * connection, held until the run ends (a pool connection that went back to the pool would leave
 * the lock behind or lose it at random). The unique index on running scheduled runs is the
 * backstop. A tick that finds a run still going (here or elsewhere) does nothing: ticks never
 * stack, and a slot that already has a scheduled run is not run again. If the lock's connection dies the run aborts (RunSession), since another process may
 * then take the lock.
 */
@Injectable()
export class BackfillScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BackfillScheduler.name);
  private ticking = false;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly dataSource: DataSource,
    private readonly runner: BackfillRunner,
    private readonly runs: BackfillRunsRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    // Runs left `running` by a process that died are marked interrupted when a server starts,
    // so the history is right even before the next run.
    this.runs
      .interruptOrphanedRuns()
      .catch((error: unknown) =>
        this.logger.warn(`could not check for orphaned backfill runs: ${String(error)}`),
      );
    if (!this.config.backfill.enabled) return;
    const job = CronJob.from({
      cronTime: scheduleCron(this.config),
      timeZone: 'UTC',
      onTick: () => {
        this.tick().catch((error: unknown) =>
          this.logger.error(`scheduled backfill failed: ${String(error)}`),
        );
      },
    });
    this.registry.addCronJob(JOB_NAME, job);
    job.start();
    this.logger.log(`scheduled backfill: cron "${scheduleCron(this.config)}" UTC`);
  }

  beforeApplicationShutdown(): void {
    if (this.registry.doesExist('cron', JOB_NAME)) this.registry.deleteCronJob(JOB_NAME);
  }

  /** One scheduled tick; public so tests (and operators' tooling) can fire it directly. */
  async tick(): Promise<TickResult> {
    if (this.ticking) return { ran: false, reason: 'busy-here' };
    this.ticking = true;
    try {
      const connection = await acquireRawConnection(this.dataSource);
      try {
        const result = await withAdvisoryLock(
          connection.client,
          ADVISORY_LOCKS.scheduler,
          { wait: false },
          async (): Promise<TickResult> => {
            // A process whose clock fired a little later than the winner's finds the slot done.
            const slot = currentSlot(this.clock.now(), this.config);
            if (await this.runs.scheduledRunStartedSince(slot)) {
              return { ran: false, reason: 'slot-done' };
            }
            const handle = await this.runner.start(
              {},
              { trigger: 'schedule', lockConnection: connection },
            );
            if (!handle) return { ran: false, reason: 'already-running' };
            const status = await handle.done;
            return { ran: true, runId: handle.runId, status };
          },
        );
        return result.acquired ? result.value : { ran: false, reason: 'locked-elsewhere' };
      } finally {
        await connection.release();
      }
    } finally {
      this.ticking = false;
    }
  }
}

/** The schedule's most recent fire time at or before `now`: the slot a tick belongs to. */
export function currentSlot(now: Date, config: AppConfig): Date {
  const next = nextDailyRun(now, config.backfill.scheduleHour, config.backfill.scheduleMinute);
  return new Date(next.getTime() - 86_400_000);
}

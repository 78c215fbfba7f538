import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';

import { MinuteBarRetention } from './minute-bar-retention.service';

const JOB_NAME = 'minute-bar-retention';
/**
 * Hourly, at half past (away from the backfill's default full hour): each pass then has at most
 * an hour of newly expired bars to delete per symbol.
 */
export const RETENTION_CRON = '30 * * * *';

/** Fires the retention job on every server process; the job's advisory lock lets one run it. */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionScheduler.name);
  private running = false;

  constructor(
    private readonly retention: MinuteBarRetention,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.retention.enabled) return;
    const job = CronJob.from({
      cronTime: RETENTION_CRON,
      timeZone: 'UTC',
      onTick: () => void this.tick(),
    });
    this.registry.addCronJob(JOB_NAME, job);
    job.start();
    this.logger.log(
      `minute-bar retention: bars older than ${this.retention.days} days deleted hourly (cron "${RETENTION_CRON}" UTC)`,
    );
  }

  beforeApplicationShutdown(): void {
    if (this.registry.doesExist('cron', JOB_NAME)) this.registry.deleteCronJob(JOB_NAME);
  }

  /** One pass unless this process is still running the previous one. */
  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.retention.runPass('schedule');
    } catch (error) {
      this.logger.error(`minute-bar retention failed: ${String(error)}`);
    } finally {
      this.running = false;
    }
  }
}

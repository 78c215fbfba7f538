import { Inject, Injectable } from '@nestjs/common';

import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { BackfillRunsRepository, RunStatus, RunTrigger } from './backfill-runs.repository';

export interface LastRunSummary {
  id: string;
  trigger: RunTrigger;
  status: RunStatus;
  barsFetched: number;
  barsWritten: number;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface SchedulerStatus {
  enabled: boolean;
  /** Five-field cron expression, evaluated in UTC. */
  cron: string;
  timezone: 'UTC';
  nextRunAt: string | null;
  lastRun: LastRunSummary | null;
}

/** What `/api/v1/status` shows about backfills: the schedule, the last run, the data source. */
@Injectable()
export class BackfillStatusService {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly runs: BackfillRunsRepository,
    private readonly clock: Clock,
  ) {}

  async schedulerStatus(): Promise<SchedulerStatus> {
    const { enabled, scheduleHour, scheduleMinute } = this.config.backfill;
    const last = await this.runs.findLatestRun();
    return {
      enabled,
      cron: scheduleCron(this.config),
      timezone: 'UTC',
      nextRunAt: enabled
        ? nextDailyRun(this.clock.now(), scheduleHour, scheduleMinute).toISOString()
        : null,
      lastRun: last
        ? {
            id: last.id,
            trigger: last.trigger,
            status: last.status,
            barsFetched: Number(last.bars_fetched),
            barsWritten: Number(last.bars_written),
            startedAt: last.started_at?.toISOString() ?? null,
            finishedAt: last.finished_at?.toISOString() ?? null,
          }
        : null,
    };
  }

  dataSource(): 'polygon' | 'synthetic' {
    return this.config.polygon.apiKey ? 'polygon' : 'synthetic';
  }
}

export function scheduleCron(config: AppConfig): string {
  return `${config.backfill.scheduleMinute} ${config.backfill.scheduleHour} * * *`;
}

/** The next HH:MM UTC strictly after `now` (what the daily cron fires on). */
export function nextDailyRun(now: Date, hour: number, minute: number): Date {
  const next = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour, minute),
  );
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

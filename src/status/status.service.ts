import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { BackfillStatusService } from '../backfill';
import { AppConfig } from '../config/app-config';
import { SymbolsService } from '../symbols';
import { StatusDto } from './status.dto';

/** Assembles /api/v1/status from the database probe, the symbol totals and the backfill status. */
@Injectable()
export class StatusService {
  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly symbols: SymbolsService,
    private readonly backfill: BackfillStatusService,
  ) {}

  async status(): Promise<StatusDto> {
    const database = await this.probeDatabase();
    const up = database.status === 'up';
    const [data, scheduler] = up
      ? await Promise.all([this.symbols.totals(), this.backfill.schedulerStatus()])
      : [null, null];
    return {
      status: up ? 'ok' : 'degraded',
      version: this.config.version,
      uptimeSeconds: Math.floor(process.uptime()),
      database,
      data: {
        symbols: data?.symbols ?? null,
        activeSymbols: data?.activeSymbols ?? null,
        bars: data?.bars ?? null,
        latestBarAt: data?.latestBarAt ?? null,
        source: this.backfill.dataSource(),
      },
      scheduler: scheduler ?? {
        enabled: this.config.backfill.enabled,
        cron: `${this.config.backfill.scheduleMinute} ${this.config.backfill.scheduleHour} * * *`,
        timezone: 'UTC',
        nextRunAt: null,
        lastRun: null,
      },
    };
  }

  /** Round trip of a trivial query; a failure is reported, not thrown (status must answer). */
  private async probeDatabase(): Promise<StatusDto['database']> {
    const started = performance.now();
    try {
      await this.dataSource.query('SELECT 1');
      return { status: 'up', latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    } catch {
      return { status: 'down', latencyMs: null };
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';

import { InvalidInputError, NotFoundError } from '../common/domain-error';
import { exclusiveEnd, parseTimeParam, TIME_PARAM_RULE } from '../common/time-params';
import { isUuid } from '../common/uuid';
import type { BaseTimeframe } from '../market/timeframes';
import { GapsService } from '../quality';
import type { BackfillRequest, PlannedSeries } from './backfill-planner';
import { BackfillRunner, StartOptions } from './backfill-runner.service';
import {
  BackfillRunsRepository,
  RunRow,
  RunSeriesRow,
  RunStatus,
} from './backfill-runs.repository';
import { BackfillSeriesRepository } from './backfill-series.repository';

export interface RunView {
  id: string;
  trigger: string;
  status: RunStatus;
  symbols: string[];
  timeframes: string[];
  from: string | null;
  to: string | null;
  barsFetched: number;
  barsWritten: number;
  /** Bars dropped for impossible values (negative volume, a non-finite price). */
  barsRejected: number;
  /** Warnings on its series (corporate actions that could not be refreshed). */
  warnings: number;
  progress: { seriesDone: number; seriesTotal: number; percent: number };
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunSeriesView {
  symbol: string;
  timeframe: string;
  status: string;
  from: string | null;
  to: string | null;
  barsFetched: number;
  barsWritten: number;
  barsRejected: number;
  pages: number;
  error: string | null;
  warnings: string[];
  startedAt: string | null;
  finishedAt: string | null;
}

/** Raw options as the HTTP body and the CLI give them. */
export interface BackfillInput {
  symbols?: string[];
  timeframes?: BaseTimeframe[];
  from?: string;
  to?: string;
}

/** Starting backfills on request and reading run history (admin API and CLI). */
@Injectable()
export class BackfillRunsService {
  private readonly logger = new Logger(BackfillRunsService.name);

  constructor(
    private readonly runner: BackfillRunner,
    private readonly runs: BackfillRunsRepository,
    private readonly series: BackfillSeriesRepository,
    private readonly gaps: GapsService,
  ) {}

  /** Validates the input (400 for a bad window or unknown symbols) and starts the run. */
  async start(
    input: BackfillInput,
    options: StartOptions,
  ): Promise<{ runId: string; seriesTotal: number; done: Promise<RunStatus> }> {
    const handle = await this.runner.start(parseBackfillInput(input), options);
    // Only scheduled runs can be refused (one at a time); manual runs always start.
    if (!handle) throw new Error('the run could not be recorded');
    void handle.done.catch((error: unknown) => this.logger.error(String(error)));
    return handle;
  }

  /** A run that re-fetches every open gap (optionally of some symbols only). */
  async startRepair(
    symbols: string[] | undefined,
    options: StartOptions,
  ): Promise<{ runId: string }> {
    const upper = symbols?.map((symbol) => symbol.toUpperCase());
    const windows = await this.gaps.openGapWindows(upper);
    const tracked = new Map(
      (await this.series.findSymbolsToBackfill(windows.map((w) => w.symbol))).map((row) => [
        row.symbol,
        row,
      ]),
    );
    const planned: PlannedSeries[] = windows
      .filter((window) => tracked.has(window.symbol))
      .map((window) => ({
        symbol: window.symbol,
        timeframe: window.timeframe,
        assetClass: tracked.get(window.symbol)!.asset_class,
        exchange: tracked.get(window.symbol)!.exchange,
        from: window.from,
        to: window.to,
        status: 'pending' as const,
      }));
    const handle = await this.runner.start({}, { ...options, series: planned });
    if (!handle) throw new Error('the repair run could not be recorded');
    return { runId: handle.runId };
  }

  async list(filter: {
    status?: RunStatus;
    symbol?: string;
    limit?: number;
    offset?: number;
  }): Promise<{ count: number; total: number; limit: number; offset: number; runs: RunView[] }> {
    const limit = filter.limit ?? 50;
    const offset = filter.offset ?? 0;
    const { rows, total } = await this.runs.findRuns({
      status: filter.status,
      symbol: filter.symbol?.toUpperCase(),
      limit,
      offset,
    });
    return { count: rows.length, total, limit, offset, runs: rows.map(toRunView) };
  }

  async get(id: string): Promise<RunView & { series: RunSeriesView[] }> {
    const run = isUuid(id) ? await this.runs.findRun(id) : null;
    if (!run) throw new NotFoundError(`No backfill run with id ${id}.`);
    const series = await this.runs.findRunSeries(id);
    return { ...toRunView(run), series: series.map(toSeriesView) };
  }
}

export function parseBackfillInput(input: BackfillInput): BackfillRequest {
  const errors: { field: string; message: string }[] = [];
  const from = input.from !== undefined ? parseTimeParam(input.from) : undefined;
  const to = input.to !== undefined ? parseTimeParam(input.to) : undefined;
  if (input.from !== undefined && !from) errors.push({ field: 'from', message: TIME_PARAM_RULE });
  if (input.to !== undefined && !to) errors.push({ field: 'to', message: TIME_PARAM_RULE });
  if (from && to && from.ms >= exclusiveEnd(to)) {
    errors.push({ field: 'from', message: 'must not be after to' });
  }
  if (errors.length) throw new InvalidInputError(errors);
  return {
    symbols: input.symbols?.map((symbol) => symbol.toUpperCase()),
    timeframes: input.timeframes,
    from: from ? new Date(from.ms) : undefined,
    // `to` is inclusive; a date means its whole UTC day.
    to: to ? new Date(exclusiveEnd(to) - 1) : undefined,
  };
}

function toRunView(row: RunRow): RunView {
  const total = row.series_total;
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    symbols: row.symbols,
    timeframes: row.timeframes,
    from: row.from_date,
    to: row.to_date,
    barsFetched: Number(row.bars_fetched),
    barsWritten: Number(row.bars_written),
    barsRejected: Number(row.bars_rejected),
    warnings: row.warnings,
    progress: {
      seriesDone: row.series_done,
      seriesTotal: total,
      percent: total === 0 ? 100 : Math.round((row.series_done / total) * 1000) / 10,
    },
    error: row.error,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

function toSeriesView(row: RunSeriesRow): RunSeriesView {
  return {
    symbol: row.symbol,
    timeframe: row.timeframe,
    status: row.status,
    from: row.from_ts?.toISOString() ?? null,
    to: row.to_ts?.toISOString() ?? null,
    barsFetched: Number(row.bars_fetched),
    barsWritten: Number(row.bars_written),
    barsRejected: Number(row.bars_rejected),
    pages: row.pages,
    error: row.error,
    warnings: row.warnings,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

import { hostname } from 'node:os';

import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { RawConnection } from '../database/raw-pg-client';
import { backfillRuns } from '../metrics';
import { BackfillPlanner, BackfillRequest, PlannedSeries } from './backfill-planner';
import { BackfillRunsRepository, RunStatus, RunTrigger } from './backfill-runs.repository';
import { RunSession } from './run-session';
import { SeriesOutcome, SeriesWorker } from './series-worker';

/** Series of one run fetched at once: overlaps one series' network wait with another's writes. */
const SERIES_CONCURRENCY = 4;
/** How long shutdown waits for aborted runs to record that they were interrupted. */
const SHUTDOWN_WAIT_MS = 5_000;

export interface StartOptions {
  trigger: RunTrigger;
  requestedBy?: string | null;
  /** Scheduled runs: the connection that holds the scheduler lock, kept for the whole run. */
  lockConnection?: RawConnection;
  /** Planned series to use instead of planning from the request (gap repair). */
  series?: PlannedSeries[];
  /** Called after each series finishes (CLI progress). */
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  runId: string;
  seriesDone: number;
  seriesTotal: number;
  barsFetched: number;
  barsWritten: number;
  last?: { symbol: string; timeframe: string; outcome: SeriesOutcome };
}

export interface RunHandle {
  runId: string;
  seriesTotal: number;
  /** Resolves with the run's final status; never rejects. */
  done: Promise<RunStatus>;
}

/**
 * Runs backfills: plans the series, records the run, then works through the series (a few at a
 * time) with SeriesWorker. One failing series does not stop the others (the run ends
 * `partial`); shutdown aborts in-flight provider calls and marks the run `interrupted`, and its
 * series resume from their watermarks next time.
 */
@Injectable()
export class BackfillRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BackfillRunner.name);
  private readonly active = new Map<string, { session: RunSession; done: Promise<RunStatus> }>();
  private readonly owner = `${hostname()}/${process.pid}`;
  private shuttingDown = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly planner: BackfillPlanner,
    private readonly runs: BackfillRunsRepository,
    private readonly worker: SeriesWorker,
    private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * Plans and records a run, then works on it in the background. Returns null when the run could
   * not be recorded because another scheduled run is already running (the backstop index).
   */
  async start(request: BackfillRequest, options: StartOptions): Promise<RunHandle | null> {
    if (this.shuttingDown) throw new Error('the server is shutting down');
    const now = this.clock.now();
    const series = options.series ?? (await this.planner.plan(request, now));
    const session = await RunSession.open(this.dataSource, options.lockConnection);
    const ownsConnection = options.lockConnection === undefined;
    try {
      await this.runs.interruptOrphanedRuns();
      const inserted = await this.runs.insertRunningRun(session.runId, {
        trigger: options.trigger,
        symbols: [...new Set(series.map((s) => s.symbol))],
        timeframes: [...new Set(series.map((s) => s.timeframe))].sort(),
        fromDate: request.from ? request.from.toISOString().slice(0, 10) : null,
        toDate: request.to ? request.to.toISOString().slice(0, 10) : null,
        requestedBy: options.requestedBy ?? null,
        owner: this.owner,
        series: series.map((s) => ({
          symbol: s.symbol,
          timeframe: s.timeframe,
          from: s.from,
          to: s.to,
          status: s.status,
        })),
      });
      if (!inserted) {
        await session.close(ownsConnection);
        return null;
      }
    } catch (error) {
      await session.close(ownsConnection);
      throw error;
    }
    const done = this.execute(session, series, options).finally(() => {
      this.active.delete(session.runId);
      return session.close(ownsConnection);
    });
    this.active.set(session.runId, { session, done });
    return { runId: session.runId, seriesTotal: series.length, done };
  }

  /** Stops every run of this process; they record `interrupted` before the pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    const runs = [...this.active.values()];
    for (const run of runs) run.session.abort('the server is shutting down');
    await Promise.race([
      Promise.allSettled(runs.map((run) => run.done)),
      new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref()),
    ]);
  }

  private async execute(
    session: RunSession,
    series: PlannedSeries[],
    options: StartOptions,
  ): Promise<RunStatus> {
    const runId = session.runId;
    const progress: RunProgress = {
      runId,
      seriesDone: series.filter((s) => s.status === 'skipped').length,
      seriesTotal: series.length,
      barsFetched: 0,
      barsWritten: 0,
    };
    const outcomes: SeriesOutcome[] = [];
    const queue = series.filter((s) => s.status === 'pending');
    const corporateActions = new Map<string, Promise<string[]>>();
    this.logger.log(`backfill ${runId} (${options.trigger}): ${queue.length} series to fetch`);
    const work = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (session.signal.aborted) return;
        const outcome = await this.worker.run(runId, next, {
          signal: session.signal,
          repair: options.trigger === 'repair',
          corporateActions,
        });
        outcomes.push(outcome);
        progress.seriesDone += 1;
        progress.barsFetched += outcome.fetched;
        progress.barsWritten += outcome.written;
        options.onProgress?.({
          ...progress,
          last: { symbol: next.symbol, timeframe: next.timeframe, outcome },
        });
      }
    };
    let status: RunStatus;
    let error: string | null = null;
    try {
      await Promise.all(Array.from({ length: SERIES_CONCURRENCY }, () => work()));
      status = runStatus(outcomes, session.signal.aborted);
      if (session.signal.aborted) error = String(session.signal.reason);
      else if (status !== 'succeeded') {
        error = `${outcomes.filter((o) => o.status === 'failed').length} of ${outcomes.length} series failed`;
      }
    } catch (unexpected) {
      status = session.signal.aborted ? 'interrupted' : 'failed';
      error = this.scrub(unexpected instanceof Error ? unexpected.message : String(unexpected));
    }
    await this.runs.finishRun(runId, status, error).catch((finishError: unknown) => {
      this.logger.error(`could not record the end of backfill ${runId}: ${String(finishError)}`);
    });
    backfillRuns.inc({ status });
    this.logger.log(
      `backfill ${runId} ${status}: ${progress.barsFetched} bars fetched, ${progress.barsWritten} written`,
    );
    return status;
  }

  private scrub(message: string): string {
    const key = this.config.polygon.apiKey;
    return key ? message.split(key).join('[redacted]') : message;
  }
}

export function runStatus(outcomes: SeriesOutcome[], aborted: boolean): RunStatus {
  if (aborted) return 'interrupted';
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  if (failed === 0) return 'succeeded';
  return failed === outcomes.length ? 'failed' : 'partial';
}

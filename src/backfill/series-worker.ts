import { Inject, Injectable, Logger } from '@nestjs/common';

import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { CorporateActionsService } from '../corporate-actions';
import { lastSuccessfulSeriesRun } from '../metrics';
import { GapDetectionService, GapsService } from '../quality';
import type { PlannedSeries } from './backfill-planner';
import { BackfillRunsRepository } from './backfill-runs.repository';
import { BackfillSeriesRepository } from './backfill-series.repository';
import { BarWriter } from './bar-writer';
import {
  CorporateActionsRequest,
  MARKET_DATA_PROVIDER,
  MarketDataProvider,
} from './providers/market-data-provider';

export interface SeriesOutcome {
  status: 'succeeded' | 'failed' | 'interrupted';
  fetched: number;
  written: number;
  /** Bars the provider dropped for impossible values. */
  rejected: number;
  gaps: number;
  error: string | null;
  /** What went wrong without failing the series (its corporate actions could not be refreshed). */
  warnings: string[];
}

/**
 * Backfills one series: pages from the provider are written as they arrive (the next page is
 * fetched while the current one is written), progress is recorded per page, and after the last
 * page the coverage watermark advances and gap detection runs. Errors end this series only.
 * Before a stock's first series in a run, its splits and dividends are refreshed; a failure
 * there is a warning on the series, never a failed series.
 *
 * A window for which the source answers OK with no bars at all does not advance the coverage
 * watermark: "nothing there" is not evidence that the window is complete, so the next run asks
 * again (and gap detection reports the sessions it expected).
 */
@Injectable()
export class SeriesWorker {
  private readonly logger = new Logger(SeriesWorker.name);

  constructor(
    @Inject(MARKET_DATA_PROVIDER) private readonly provider: MarketDataProvider,
    private readonly writer: BarWriter,
    private readonly runs: BackfillRunsRepository,
    private readonly series: BackfillSeriesRepository,
    private readonly gapDetection: GapDetectionService,
    private readonly gaps: GapsService,
    private readonly corporateActions: CorporateActionsService,
    private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async run(
    runId: string,
    planned: PlannedSeries,
    options: {
      signal: AbortSignal;
      repair: boolean;
      /**
       * Per run: each stock's corporate actions are refreshed once, before its bars; the
       * promise holds the warnings of that refresh.
       */
      corporateActions: Map<string, Promise<string[]>>;
    },
  ): Promise<SeriesOutcome> {
    const { symbol, timeframe } = planned;
    const outcome: SeriesOutcome = {
      status: 'succeeded',
      fetched: 0,
      written: 0,
      rejected: 0,
      gaps: 0,
      error: null,
      warnings: [],
    };
    let unrecordedRejected = 0;
    const onRejected = (reasons: string[]): void => {
      outcome.rejected += reasons.length;
      unrecordedRejected += reasons.length;
      this.logger.warn(
        `backfill ${runId} ${symbol} ${timeframe}: dropped ${reasons.length} bar(s) with impossible values, e.g. ${reasons[0]}`,
      );
    };
    const recordRejected = async (): Promise<void> => {
      if (unrecordedRejected === 0) return;
      const count = unrecordedRejected;
      unrecordedRejected = 0;
      await this.runs.addRejected(runId, symbol, timeframe, count);
    };
    await this.runs.markSeriesRunning(runId, symbol, timeframe);
    try {
      outcome.warnings = await this.refreshCorporateActions(planned, options);
      if (outcome.warnings.length > 0) {
        await this.runs.addWarnings(runId, symbol, timeframe, outcome.warnings);
      }
      const stream = this.provider.getBars({
        symbol,
        timeframe,
        from: planned.from,
        to: planned.to,
        assetClass: planned.assetClass,
        signal: options.signal,
        onRejected,
      });
      const pages = stream[Symbol.asyncIterator]();
      let pending = pages.next();
      try {
        for (;;) {
          const page = await pending;
          if (page.done) break;
          options.signal.throwIfAborted();
          pending = pages.next();
          // Handled when awaited on the next turn; this only stops an early rejection (while
          // the current page is still being written) from counting as unhandled.
          pending.catch(() => undefined);
          const { written } = await this.writer.writeBatch({ symbol, timeframe }, page.value, {
            source: this.provider.name,
          });
          outcome.fetched += page.value.length;
          outcome.written += written;
          await this.runs.addPageProgress(runId, symbol, timeframe, page.value.length, written);
          await recordRejected();
        }
      } finally {
        // Stop the provider's pagination when this series ends early (write error, abort).
        void pages.return?.(undefined).catch(() => undefined);
      }
      await recordRejected();
      options.signal.throwIfAborted();
      if (outcome.fetched > 0) {
        const now = this.clock.now();
        await this.series.advanceCoverage(symbol, timeframe, planned.to < now ? planned.to : now);
      }
      const check = {
        symbol,
        timeframe,
        assetClass: planned.assetClass,
        exchange: planned.exchange,
      };
      outcome.gaps = await this.gapDetection.detect(check, planned.from, planned.to, runId);
      if (options.repair) {
        await this.gaps.confirmEmpty(check, planned.from, planned.to, runId);
      }
      await this.runs.finishSeries(runId, symbol, timeframe, 'succeeded', null);
      lastSuccessfulSeriesRun.set({ symbol, timeframe }, Math.floor(Date.now() / 1000));
    } catch (error) {
      outcome.status = options.signal.aborted ? 'interrupted' : 'failed';
      outcome.error = this.describe(error, options.signal);
      this.logger.warn(
        `backfill ${runId} ${symbol} ${timeframe} ${outcome.status}: ${outcome.error}`,
      );
      await this.runs
        .finishSeries(runId, symbol, timeframe, outcome.status, outcome.error)
        .catch(() => undefined);
    }
    return outcome;
  }

  /**
   * Splits and dividends are stored before a stock's bars are written (the quality rules need the
   * splits to tell a split from a price gap, and reads adjust with them), every run, since a split
   * can be announced late or corrected. They never cost the bars: a request that still fails
   * after the client's retries (or whose records are unusable) becomes a warning on each of the
   * stock's series, and the bars are fetched and stored as usual. Only an abort stops the series.
   */
  private refreshCorporateActions(
    planned: PlannedSeries,
    options: { signal: AbortSignal; corporateActions: Map<string, Promise<string[]>> },
  ): Promise<string[]> {
    if (planned.assetClass !== 'stocks') return Promise.resolve([]);
    let pending = options.corporateActions.get(planned.symbol);
    if (!pending) {
      pending = this.fetchCorporateActions(planned.symbol, options.signal);
      options.corporateActions.set(planned.symbol, pending);
    }
    return pending;
  }

  private async fetchCorporateActions(symbol: string, signal: AbortSignal): Promise<string[]> {
    const warnings: string[] = [];
    const source = this.provider.name;
    const refresh = async <T>(
      kind: 'splits' | 'dividends',
      fetch: (request: CorporateActionsRequest) => Promise<T[]>,
      store: (items: T[]) => Promise<void>,
    ): Promise<void> => {
      const onRejected = (reasons: string[]): void => {
        warnings.push(`${kind}: dropped ${reasons.length} unusable record(s), e.g. ${reasons[0]}`);
      };
      try {
        await store(await fetch({ symbol, signal, onRejected }));
      } catch (error) {
        signal.throwIfAborted();
        warnings.push(`${kind} not refreshed: ${this.describe(error, signal)}`);
      }
    };
    await refresh(
      'splits',
      (request) => this.provider.getSplits(request),
      (splits) => this.corporateActions.storeSplits(symbol, splits, source),
    );
    await refresh(
      'dividends',
      (request) => this.provider.getDividends(request),
      (dividends) => this.corporateActions.storeDividends(symbol, dividends, source),
    );
    for (const warning of warnings) this.logger.warn(`corporate actions of ${symbol}: ${warning}`);
    return warnings;
  }

  private describe(error: unknown, signal: AbortSignal): string {
    const message = signal.aborted
      ? `interrupted: ${String(signal.reason)}`
      : error instanceof Error
        ? error.message
        : String(error);
    const key = this.config.polygon.apiKey;
    return (key ? message.split(key).join('[redacted]') : message).slice(0, 1000);
  }
}

import { Injectable } from '@nestjs/common';

import { InvalidInputError } from '../common/domain-error';
import type { AssetClass } from '../market/asset-classes';
import type { BaseTimeframe } from '../market/timeframes';
import { BackfillSeriesRepository } from './backfill-series.repository';

/** What a caller asks for (HTTP body, CLI options, the schedule, the demo seed). */
export interface BackfillRequest {
  symbols?: string[];
  timeframes?: BaseTimeframe[];
  /** Inclusive window; when absent, each series continues from its own watermark. */
  from?: Date;
  to?: Date;
}

export interface PlannedSeries {
  symbol: string;
  timeframe: BaseTimeframe;
  assetClass: AssetClass;
  exchange: string | null;
  from: Date;
  to: Date;
  status: 'pending' | 'skipped';
}

/**
 * First-run lookback when a symbol has no `backfill_from`: two years of daily bars (one Polygon
 * request per symbol) and 30 days of minute bars (≈ 12 requests of 50,000 bars for a liquid
 * stock with extended hours, 2-3 minutes at the free tier's 5 requests a minute).
 */
export const DEFAULT_LOOKBACK_DAYS: Readonly<Record<BaseTimeframe, number>> = {
  '1d': 2 * 365,
  '1m': 30,
};

const DAY_MS = 86_400_000;

/**
 * Decides what to fetch: (symbol, timeframe, window) for each series. Explicit `from` wins;
 * otherwise a series resumes at its last stored bar (re-fetching that bar's day is idempotent and
 * picks up a late correction of the newest bar), and a series never written starts at the
 * symbol's `backfill_from` or the default lookback. The window ends at `to` or now.
 */
@Injectable()
export class BackfillPlanner {
  constructor(private readonly series: BackfillSeriesRepository) {}

  async plan(request: BackfillRequest, now: Date): Promise<PlannedSeries[]> {
    const named = request.symbols?.length ? [...new Set(request.symbols)] : null;
    const symbols = await this.series.findSymbolsToBackfill(named);
    if (named) {
      const known = new Set(symbols.map((row) => row.symbol));
      const unknown = named.filter((symbol) => !known.has(symbol));
      if (unknown.length > 0) {
        throw InvalidInputError.field(
          'symbols',
          `unknown symbols: ${unknown.join(', ')} (add them with POST /api/v1/admin/symbols first)`,
        );
      }
    }
    const watermarks = new Map(
      (await this.series.findWatermarks(symbols.map((row) => row.symbol))).map((row) => [
        `${row.symbol}:${row.timeframe}`,
        row,
      ]),
    );
    const to = request.to && request.to < now ? request.to : now;
    const planned: PlannedSeries[] = [];
    for (const row of symbols) {
      // Explicit timeframes win over the symbol's configured ones: the admin asked for them.
      const timeframes = request.timeframes?.length ? request.timeframes : row.timeframes;
      for (const timeframe of [...timeframes].sort()) {
        const watermark = watermarks.get(`${row.symbol}:${timeframe}`);
        const from =
          request.from ??
          watermark?.last_bar_at ??
          (row.backfill_from
            ? new Date(`${row.backfill_from}T00:00:00.000Z`)
            : new Date(now.getTime() - DEFAULT_LOOKBACK_DAYS[timeframe] * DAY_MS));
        planned.push({
          symbol: row.symbol,
          timeframe,
          assetClass: row.asset_class,
          exchange: row.exchange,
          from,
          to,
          status: from > to ? 'skipped' : 'pending',
        });
      }
    }
    return planned;
  }
}

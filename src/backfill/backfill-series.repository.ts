import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { AssetClass } from '../market/asset-classes';
import type { BaseTimeframe } from '../market/timeframes';
import { timed } from '../metrics';

export interface TrackedSymbolRow {
  symbol: string;
  asset_class: AssetClass;
  exchange: string | null;
  timeframes: BaseTimeframe[];
  backfill_from: string | null;
  active: boolean;
}

export interface WatermarkRow {
  symbol: string;
  timeframe: BaseTimeframe;
  last_bar_at: Date | null;
  covered_to: Date | null;
}

export interface NewTrackedSymbol {
  symbol: string;
  name: string;
  assetClass: AssetClass;
  exchange: string | null;
  currency: string;
  timeZone: string;
  timeframes: BaseTimeframe[];
  source: string;
}

/** What the planner needs to know about tracked symbols and each series' progress. */
@Injectable()
export class BackfillSeriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The named symbols (active or not), or every active symbol when none are named. */
  async findSymbolsToBackfill(symbols: string[] | null): Promise<TrackedSymbolRow[]> {
    const params = [symbols];
    return timed(
      'BackfillSeriesRepository.findSymbolsToBackfill',
      () =>
        this.dataSource.query(
          `SELECT symbol, asset_class, exchange, timeframes, backfill_from::text AS backfill_from,
                  active
             FROM symbols
            WHERE ($1::text[] IS NULL AND active) OR symbol = ANY($1::text[])
            ORDER BY symbol`,
          params,
        ),
      params,
    );
  }

  async findWatermarks(symbols: string[]): Promise<WatermarkRow[]> {
    return timed('BackfillSeriesRepository.findWatermarks', () =>
      this.dataSource.query(
        `SELECT symbol, timeframe, last_bar_at, covered_to FROM series_watermarks
          WHERE symbol = ANY($1::text[])`,
        [symbols],
      ),
    );
  }

  /** Records that the series is complete up to `coveredTo` (never moves it backwards). */
  async advanceCoverage(symbol: string, timeframe: string, coveredTo: Date): Promise<void> {
    await timed('BackfillSeriesRepository.advanceCoverage', () =>
      this.dataSource.query(
        `UPDATE series_watermarks SET covered_to = GREATEST(covered_to, $3), updated_at = now()
          WHERE symbol = $1 AND timeframe = $2`,
        [symbol, timeframe, coveredTo],
      ),
    );
  }

  async countSymbols(): Promise<number> {
    const rows: { count: string }[] = await timed('BackfillSeriesRepository.countSymbols', () =>
      this.dataSource.query(`SELECT count(*) AS count FROM symbols`),
    );
    return Number(rows[0].count);
  }

  /** Tracks the demo symbols; a symbol that appeared meanwhile (another process) is left alone. */
  async insertSymbolsIfAbsent(symbols: NewTrackedSymbol[]): Promise<void> {
    const params = [JSON.stringify(symbols)];
    await timed(
      'BackfillSeriesRepository.insertSymbolsIfAbsent',
      () =>
        this.dataSource.query(
          `INSERT INTO symbols (symbol, name, asset_class, exchange, currency, time_zone,
                                timeframes, source)
           SELECT s.symbol, s.name, s."assetClass", s.exchange, s.currency, s."timeZone",
                  s.timeframes, s.source
             FROM jsonb_to_recordset($1::jsonb) AS s(symbol text, name text, "assetClass" text,
                    exchange text, currency text, "timeZone" text, timeframes text[], source text)
           ON CONFLICT (symbol) DO NOTHING`,
          params,
        ),
      params,
    );
  }
}

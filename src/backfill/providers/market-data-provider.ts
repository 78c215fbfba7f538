import type { AssetClass } from '../../market/asset-classes';
import type { Bar } from '../../market/bar';
import type { BaseTimeframe } from '../../market/timeframes';

/**
 * The market-data provider interface (ghostfolio-style): Polygon and the demo (synthetic) source
 * produce bars (`Bar`, src/market) in pages, and the backfill runner and writer consume them.
 */

export interface BarsRequest {
  symbol: string;
  timeframe: BaseTimeframe;
  /** Inclusive window, UTC. Providers treat these as calendar days in their own convention. */
  from: Date;
  to: Date;
  assetClass: AssetClass;
  /** Aborts in-flight upstream calls (shutdown, lost scheduler lock). */
  signal?: AbortSignal;
  /**
   * Told about bars dropped because their values are impossible (negative volume, a non-finite
   * price), one reason each; the rest of their page is still yielded.
   */
  onRejected?: (reasons: string[]) => void;
}

export interface ProviderSplit {
  executionDate: string; // YYYY-MM-DD
  splitFrom: number;
  splitTo: number;
}

export interface ProviderDividend {
  exDividendDate: string; // YYYY-MM-DD
  payDate: string | null;
  recordDate: string | null;
  declarationDate: string | null;
  cashAmount: number;
  currency: string;
  dividendType: string;
  frequency: number | null;
}

export interface MarketDataProvider {
  /** 'polygon' | 'synthetic' | 'csv' — stored as each bar's `source`. */
  readonly name: string;
  /** Pages of bars in ascending time order; a page is only yielded once fully read and checked. */
  getBars(request: BarsRequest): AsyncIterable<Bar[]>;
  getSplits(symbol: string, signal?: AbortSignal): Promise<ProviderSplit[]>;
  getDividends(symbol: string, signal?: AbortSignal): Promise<ProviderDividend[]>;
}

/** Injection token for the configured provider (Polygon when POLYGON_API_KEY is set, else demo). */
export const MARKET_DATA_PROVIDER = Symbol('MARKET_DATA_PROVIDER');

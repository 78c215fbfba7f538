import type { AssetClass } from '../../market/asset-classes';
import type { Bar } from '../../market/bar';
import type { CashDividend, Split } from '../../market/corporate-actions';
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

/** A symbol's corporate actions, all of them (the whole history the source has). */
/** What providers report; the same shapes as stored (src/market/corporate-actions.ts). */
export type ProviderSplit = Split;
export type ProviderDividend = CashDividend;

export interface CorporateActionsRequest {
  symbol: string;
  signal?: AbortSignal;
  /** Told about records dropped because they cannot be used (a split without a date), one reason each. */
  onRejected?: (reasons: string[]) => void;
}

export interface MarketDataProvider {
  /** 'polygon' | 'synthetic' | 'csv' — stored as each bar's `source`. */
  readonly name: string;
  /** Pages of bars in ascending time order; a page is only yielded once fully read and checked. */
  getBars(request: BarsRequest): AsyncIterable<Bar[]>;
  /** Splits in ascending execution date. */
  getSplits(request: CorporateActionsRequest): Promise<ProviderSplit[]>;
  /** Cash dividends in ascending ex-dividend date. */
  getDividends(request: CorporateActionsRequest): Promise<ProviderDividend[]>;
}

/** Injection token for the configured provider (Polygon when POLYGON_API_KEY is set, else demo). */
export const MARKET_DATA_PROVIDER = Symbol('MARKET_DATA_PROVIDER');

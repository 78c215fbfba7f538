/**
 * The market-data provider interface (ghostfolio-style): Polygon, the demo (synthetic) source
 * and CSV import all produce bars in this shape, and the backfill runner and writer consume it.
 */
export type BaseTimeframe = '1m' | '1d';

export const BASE_TIMEFRAMES: readonly BaseTimeframe[] = ['1m', '1d'];

export type AssetClass = 'stocks' | 'crypto' | 'forex' | 'indices';

/** One OHLCV bar as received, labelled by its start. */
export interface ProviderBar {
  /** Bar start, epoch milliseconds UTC (Polygon's `t`). */
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  trades: number | null;
}

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
  getBars(request: BarsRequest): AsyncIterable<ProviderBar[]>;
  getSplits(symbol: string, signal?: AbortSignal): Promise<ProviderSplit[]>;
  getDividends(symbol: string, signal?: AbortSignal): Promise<ProviderDividend[]>;
}

/** Injection token for the configured provider (Polygon when POLYGON_API_KEY is set, else demo). */
export const MARKET_DATA_PROVIDER = Symbol('MARKET_DATA_PROVIDER');

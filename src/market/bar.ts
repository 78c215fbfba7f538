/**
 * One OHLCV bar as the warehouse receives and stores it, labelled by its start: what providers
 * (Polygon, the demo source), CSV import, the writer and the quality rules exchange.
 */
export interface Bar {
  /** Bar start, epoch milliseconds UTC. */
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  trades: number | null;
}

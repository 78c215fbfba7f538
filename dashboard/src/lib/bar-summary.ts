import type { Bar } from '../api/types';

/** What a chart shows, in numbers: the canvas says nothing to a screen reader. */
export interface BarSummary {
  first: { timestamp: string; open: number };
  last: { timestamp: string; close: number };
  low: number;
  high: number;
  volume: number;
}

/** The first open, last close, range and total volume of bars in time order; null for none. */
export function summarizeBars(bars: readonly Bar[]): BarSummary | null {
  if (bars.length === 0) return null;
  let low = Infinity;
  let high = -Infinity;
  let volume = 0;
  for (const bar of bars) {
    if (bar.low < low) low = bar.low;
    if (bar.high > high) high = bar.high;
    volume += bar.volume;
  }
  const first = bars[0];
  const last = bars[bars.length - 1];
  return {
    first: { timestamp: first.timestamp, open: first.open },
    last: { timestamp: last.timestamp, close: last.close },
    low,
    high,
    volume,
  };
}

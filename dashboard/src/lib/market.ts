/** The API's market vocabulary, as the dashboard uses it. */

export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w', '1mo'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const ADJUSTMENTS = ['raw', 'split', 'dividend', 'all'] as const;
export type Adjustment = (typeof ADJUSTMENTS)[number];

export const SESSIONS = ['all', 'regular', 'extended'] as const;
export type Session = (typeof SESSIONS)[number];

export const ASSET_CLASSES = ['stocks', 'crypto', 'forex', 'indices'] as const;

/** The API's symbol rule (API.md): upper-cased on input. */
export const SYMBOL_PATTERN = /^[A-Za-z0-9.:-]{1,24}$/;

const DAY = 86_400_000;

/**
 * How far back a chart looks when the URL names no range: enough bars to read the timeframe,
 * few enough pages to draw at once (a 1m chart of two days is ~800 stock bars).
 */
export const DEFAULT_RANGE_DAYS: Record<Timeframe, number> = {
  '1m': 2,
  '5m': 10,
  '15m': 30,
  '30m': 30,
  '1h': 90,
  '4h': 180,
  '1d': 365,
  '1w': 5 * 365,
  '1mo': 10 * 365,
};

export function isTimeframe(value: string | null): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value ?? '');
}

/** YYYY-MM-DD of an instant, in UTC (the API reads a bare date as a UTC day). */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The default [start, end] dates of a timeframe's chart, ending today (UTC). */
export function defaultRange(timeframe: Timeframe, now: number): { start: string; end: string } {
  return { start: utcDate(now - DEFAULT_RANGE_DAYS[timeframe] * DAY), end: utcDate(now) };
}

/** A real calendar date written YYYY-MM-DD (2024-02-30 is not one). */
export function isIsoDate(value: string | null): value is string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && utcDate(ms) === value;
}

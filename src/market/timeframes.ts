/**
 * The timeframes of the API and how each relates to the bars actually stored: every timeframe
 * is served from a stored base (1m or 1d), either as is or aggregated into buckets.
 */
export const BASE_TIMEFRAMES = ['1m', '1d'] as const;
export type BaseTimeframe = (typeof BASE_TIMEFRAMES)[number];

export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w', '1mo'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

/**
 * How a timeframe's buckets are cut from its base bars (rendered to SQL by the read path):
 *
 * - `stored`: the base bars themselves.
 * - `epoch`: fixed intervals on the UTC epoch (5m..1h). Every exchange we serve sits on a
 *   whole-hour UTC offset (or a half-hour one that 30m still divides), so these buckets are also
 *   aligned in local time.
 * - `local`: fixed intervals of exchange-local wall time from local midnight (4h), so a US session
 *   splits into 08:00-12:00 and 12:00-16:00 New York time rather than into UTC-aligned blocks
 *   that move with DST.
 * - `calendar`: calendar weeks (Monday) and months in the exchange time zone, from daily bars,
 *   which are stored at the session's local midnight.
 */
export type Bucketing =
  | { kind: 'stored' }
  | { kind: 'epoch'; interval: string }
  | { kind: 'local'; interval: string }
  | { kind: 'calendar'; unit: 'week' | 'month' };

export interface TimeframeSpec {
  /** The stored bars it is served from. */
  base: BaseTimeframe;
  bucketing: Bucketing;
  /** The range a query covers when it gives no `start`: this much before its end. */
  defaultWindowMs: number;
  /** How far back the newest bucket can start before the newest base bar (latest bar). */
  latestLookbackMs: number;
  /**
   * The least time between the starts of two buckets (a DST change shortens local-time buckets
   * by up to an hour): bounds how many bars a time range can hold.
   */
  minSpacingMs: number;
  /**
   * The most base bars one bucket can hold when base bars are at least their base spacing apart
   * (a minute; a day, stored at local midnight): 1 for stored timeframes, 300 for 4h (a DST day
   * makes one local bucket five hours long). Bounds how many raw bars a page of buckets reads.
   */
  maxBaseBarsPerBucket: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const INTRADAY_WINDOW = 30 * DAY;
const DAILY_WINDOW = 365 * DAY;

export const TIMEFRAME_SPECS: Readonly<Record<Timeframe, TimeframeSpec>> = {
  '1m': {
    base: '1m',
    bucketing: { kind: 'stored' },
    defaultWindowMs: INTRADAY_WINDOW,
    latestLookbackMs: 0,
    minSpacingMs: MINUTE,
    maxBaseBarsPerBucket: 1,
  },
  '5m': {
    base: '1m',
    bucketing: { kind: 'epoch', interval: '5 minutes' },
    defaultWindowMs: INTRADAY_WINDOW,
    latestLookbackMs: 5 * MINUTE,
    minSpacingMs: 5 * MINUTE,
    maxBaseBarsPerBucket: 5,
  },
  '15m': {
    base: '1m',
    bucketing: { kind: 'epoch', interval: '15 minutes' },
    defaultWindowMs: INTRADAY_WINDOW,
    latestLookbackMs: 15 * MINUTE,
    minSpacingMs: 15 * MINUTE,
    maxBaseBarsPerBucket: 15,
  },
  '30m': {
    base: '1m',
    bucketing: { kind: 'epoch', interval: '30 minutes' },
    defaultWindowMs: INTRADAY_WINDOW,
    latestLookbackMs: 30 * MINUTE,
    minSpacingMs: 30 * MINUTE,
    maxBaseBarsPerBucket: 30,
  },
  '1h': {
    base: '1m',
    bucketing: { kind: 'epoch', interval: '1 hour' },
    defaultWindowMs: INTRADAY_WINDOW,
    latestLookbackMs: HOUR,
    minSpacingMs: HOUR,
    maxBaseBarsPerBucket: 60,
  },
  '4h': {
    base: '1m',
    bucketing: { kind: 'local', interval: '4 hours' },
    defaultWindowMs: INTRADAY_WINDOW,
    latestLookbackMs: 5 * HOUR,
    minSpacingMs: 3 * HOUR,
    maxBaseBarsPerBucket: 300,
  },
  '1d': {
    base: '1d',
    bucketing: { kind: 'stored' },
    defaultWindowMs: DAILY_WINDOW,
    latestLookbackMs: 0,
    minSpacingMs: 23 * HOUR,
    maxBaseBarsPerBucket: 1,
  },
  '1w': {
    base: '1d',
    bucketing: { kind: 'calendar', unit: 'week' },
    defaultWindowMs: DAILY_WINDOW,
    latestLookbackMs: 8 * DAY,
    minSpacingMs: 7 * DAY - HOUR,
    maxBaseBarsPerBucket: 7,
  },
  '1mo': {
    base: '1d',
    bucketing: { kind: 'calendar', unit: 'month' },
    defaultWindowMs: DAILY_WINDOW,
    latestLookbackMs: 32 * DAY,
    minSpacingMs: 28 * DAY - HOUR,
    maxBaseBarsPerBucket: 31,
  },
};

export function isTimeframe(value: unknown): value is Timeframe {
  return typeof value === 'string' && (TIMEFRAMES as readonly string[]).includes(value);
}

export function isBaseTimeframe(value: unknown): value is BaseTimeframe {
  return typeof value === 'string' && (BASE_TIMEFRAMES as readonly string[]).includes(value);
}

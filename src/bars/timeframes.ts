import type { BaseTimeframe } from '../backfill/providers/market-data-provider';

export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w', '1mo'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const INTRADAY_TIMEFRAMES: ReadonlySet<Timeframe> = new Set([
  '1m',
  '5m',
  '15m',
  '30m',
  '1h',
  '4h',
]);

/**
 * How each timeframe is served: read straight from a stored base, or aggregated from it. The
 * bucket expression is SQL over the raw bar time `b.ts` and the symbol's time zone `tz`; it is a
 * fixed string chosen from this table, never built from input.
 *
 * - 5m..1h: `date_bin` on the UTC epoch. Every exchange we serve sits on a whole-hour UTC offset
 *   (or a half-hour one that 30m still divides), so these buckets are also aligned in local time.
 * - 4h: binned from the exchange's local midnight, so a US session splits into 08:00-12:00 and
 *   12:00-16:00 New York time rather than into UTC-aligned blocks that move with DST.
 * - 1w / 1mo: calendar weeks (Monday) and months in the exchange time zone, from daily bars,
 *   which are stored at the session's local midnight.
 */
export interface TimeframeSpec {
  base: BaseTimeframe;
  bucket: string | null;
  /**
   * The least time between the starts of two buckets (a DST change shortens local-time buckets
   * by up to an hour): bounds how many bars a time range can hold (see pageBarsBound).
   */
  minSpacingMs: number;
}

const EPOCH = `TIMESTAMPTZ '1970-01-01 00:00:00+00'`;
const HOUR = 3_600_000;

export const TIMEFRAME_SPECS: Record<Timeframe, TimeframeSpec> = {
  '1m': { base: '1m', bucket: null, minSpacingMs: 60_000 },
  '5m': {
    base: '1m',
    bucket: `date_bin(INTERVAL '5 minutes', b.ts, ${EPOCH})`,
    minSpacingMs: 5 * 60_000,
  },
  '15m': {
    base: '1m',
    bucket: `date_bin(INTERVAL '15 minutes', b.ts, ${EPOCH})`,
    minSpacingMs: 15 * 60_000,
  },
  '30m': {
    base: '1m',
    bucket: `date_bin(INTERVAL '30 minutes', b.ts, ${EPOCH})`,
    minSpacingMs: 30 * 60_000,
  },
  '1h': { base: '1m', bucket: `date_bin(INTERVAL '1 hour', b.ts, ${EPOCH})`, minSpacingMs: HOUR },
  '4h': {
    base: '1m',
    bucket: `(date_bin(INTERVAL '4 hours', b.ts AT TIME ZONE tz, TIMESTAMP '2000-01-01') AT TIME ZONE tz)`,
    minSpacingMs: 3 * HOUR,
  },
  '1d': { base: '1d', bucket: null, minSpacingMs: 23 * HOUR },
  '1w': {
    base: '1d',
    bucket: `(date_trunc('week', b.ts AT TIME ZONE tz) AT TIME ZONE tz)`,
    minSpacingMs: 7 * 24 * HOUR - HOUR,
  },
  '1mo': {
    base: '1d',
    bucket: `(date_trunc('month', b.ts AT TIME ZONE tz) AT TIME ZONE tz)`,
    minSpacingMs: 28 * 24 * HOUR - HOUR,
  },
};

export function isTimeframe(value: unknown): value is Timeframe {
  return typeof value === 'string' && (TIMEFRAMES as readonly string[]).includes(value);
}

import { Timeframe, TIMEFRAME_SPECS } from '../../market/timeframes';
import { addDays, calendarByCode, calendarFor, ExchangeCalendar } from '../../quality';
import type { SessionFilter } from './selection';

/**
 * The calendar whose sessions `session=regular|extended` select: NYSE's, which every US equity
 * venue follows and gap detection uses. Markets that trade around the clock have no sessions.
 */
export const SESSION_CALENDAR: ExchangeCalendar = calendarByCode('XNYS')!;

/** A query's `session` as a filter: none for `all` (the default). */
export function sessionFilterOf(session: string | undefined): SessionFilter | undefined {
  return session === 'regular' || session === 'extended' ? session : undefined;
}

/** Why a session filter cannot apply to a timeframe, or null when it can. */
export function sessionTimeframeProblem(timeframe: Timeframe): string | null {
  return TIMEFRAME_SPECS[timeframe].base === '1m'
    ? null
    : `applies to intraday timeframes (1m to 4h) only: a ${timeframe} bar spans whole trading days; use session=all (the default)`;
}

/**
 * Why a session filter cannot apply to a symbol, or null when it can: only symbols whose bars
 * follow the session calendar (exchange-listed stocks and indices) have sessions.
 */
export function sessionMarketProblem(
  symbol: string,
  assetClass: string,
  exchange: string | null,
): string | null {
  if (calendarFor(assetClass, exchange) === SESSION_CALENDAR) return null;
  return `applies to exchange-listed symbols only: ${symbol} is ${assetClass}, which trades around the clock without trading sessions; use session=all (the default)`;
}

/**
 * How far before the newest stored bar latest looks for the newest bar of a session: a month
 * holds at least one session day whatever the holidays.
 */
const LATEST_SESSION_DAYS = 31;

/**
 * The range latest computes a session filter's windows for: from LATEST_SESSION_DAYS before the
 * newest stored bar (or now, without one) to the day after it.
 */
export function latestSessionSpan(
  newest: Date | null,
  now: Date,
): { startIso: string; endIso: string } {
  const calendar = SESSION_CALENDAR;
  const date = calendar.dateOf(newest ?? now);
  return {
    startIso: calendar.startOfDay(addDays(date, -LATEST_SESSION_DAYS)).toISOString(),
    endIso: calendar.startOfDay(addDays(date, 2)).toISOString(),
  };
}

import { DateTime } from 'luxon';

import type { ExchangeCalendar } from './calendars/exchange-calendar';
import type { MissingSession, SeriesPresence } from './gaps.repository';

/**
 * Which expected sessions of a series are missing, judged against its exchange calendar.
 *
 * Rules (written down because they decide what an operator is asked to repair):
 * - Only sessions that have closed are expected; weekends, holidays and one-off closures are not
 *   sessions, so they are never gaps.
 * - Daily bars: each missing session is a gap. Minute bars: a session with no bar at all is a
 *   gap; quiet minutes inside a session are not (thinly traded symbols have many).
 * - Nothing before the series' first stored bar is a gap (a listing starts somewhere).
 * - Missing sessions after the series' last stored bar are `not_yet_available` (a trailing gap at
 *   the live edge: the source may not have published them yet); interior ones are `open`.
 * - One row per missing session (not coalesced): each session is repaired, confirmed empty or
 *   re-opened on its own, and `data_gaps`' unique (symbol, timeframe, from_ts) keeps detection
 *   idempotent. A row spans the session's open to its close.
 */
export interface GapWindow {
  /** Local dates (exchange time zone), inclusive. */
  fromDate: string;
  toDate: string;
  /** Instants bounding the gap rows of the window, for reconciliation: [from, to). */
  from: Date;
  to: Date;
}

export function detectionWindow(
  calendar: ExchangeCalendar,
  windowFrom: Date,
  windowTo: Date,
  presence: SeriesPresence,
  now: Date,
): GapWindow | null {
  if (!presence.firstBarAt) return null;
  const start = windowFrom > presence.firstBarAt ? windowFrom : presence.firstBarAt;
  const end = windowTo < now ? windowTo : now;
  if (start > end) return null;
  const fromDate = localDate(start, calendar.timeZone);
  const toDate = localDate(end, calendar.timeZone);
  return {
    fromDate,
    toDate,
    from: DateTime.fromISO(fromDate, { zone: calendar.timeZone }).toJSDate(),
    to: DateTime.fromISO(toDate, { zone: calendar.timeZone }).plus({ days: 1 }).toJSDate(),
  };
}

export function findMissingSessions(
  calendar: ExchangeCalendar,
  timeframe: '1m' | '1d',
  window: GapWindow,
  presence: SeriesPresence,
  now: Date,
): MissingSession[] {
  const lastBarDate = presence.lastBarAt ? localDate(presence.lastBarAt, calendar.timeZone) : null;
  return calendar
    .sessionsBetween(window.fromDate, window.toDate)
    .filter((session) => session.close <= now && !presence.dates.has(session.date))
    .map((session) => ({
      from: session.open,
      to: session.close,
      expectedBars:
        timeframe === '1d'
          ? 1
          : Math.round((session.close.getTime() - session.open.getTime()) / 60_000),
      status: lastBarDate !== null && session.date <= lastBarDate ? 'open' : 'not_yet_available',
    }));
}

export function localDate(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate() as string;
}

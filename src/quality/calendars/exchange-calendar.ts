import { addDays, daysBetween } from './calendar-dates';

/**
 * An exchange's trading calendar: which days are sessions and when they open and close. Gap
 * detection, the demo data source and `GET /api/v1/calendar` all use the same calendars.
 */
export interface TradingSession {
  /** The session's calendar date in the exchange's time zone, YYYY-MM-DD. */
  date: string;
  open: Date;
  close: Date;
  /** A half day (early close). */
  early: boolean;
  /**
   * Where the exchange has extended hours: pre-market from `from` to the open, post-market from
   * the close to `to`. Absent for markets that trade around the clock.
   */
  extended?: { from: Date; to: Date };
}

export interface ExchangeCalendar {
  /** MIC-style code: 'XNYS' for US equities, '24/7' for crypto. */
  readonly code: string;
  readonly timeZone: string;
  /** Sessions whose date lies in [from, to] (dates in the exchange's time zone), ascending. */
  sessionsBetween(fromDate: string, toDate: string): TradingSession[];
  isSessionDate(date: string): boolean;
  /** The session on that date (exchange time zone), or null on weekends and holidays. */
  session(date: string): TradingSession | null;
  /** The calendar date (YYYY-MM-DD, exchange time zone) an instant falls on. */
  dateOf(instant: Date): string;
  /**
   * Midnight of a date in the exchange's time zone: where daily bars are stamped (Polygon stamps
   * US stock daily bars at 00:00 America/New_York, crypto at 00:00 UTC).
   */
  startOfDay(date: string): Date;
}

/** The sessions of a calendar whose dates lie in [fromDate, toDate], ascending. */
export function sessionsInRange(
  calendar: Pick<ExchangeCalendar, 'session'>,
  fromDate: string,
  toDate: string,
): TradingSession[] {
  const sessions: TradingSession[] = [];
  const count = daysBetween(fromDate, toDate);
  for (let i = 0; i <= count; i += 1) {
    const session = calendar.session(addDays(fromDate, i));
    if (session) sessions.push(session);
  }
  return sessions;
}

import { DateTime } from 'luxon';

import { weekday } from './calendar-dates';
import { ExchangeCalendar, sessionsInRange, TradingSession } from './exchange-calendar';
import { NyseSpecialDay, nyseSpecialDays } from './nyse-rules';

const TIME_ZONE = 'America/New_York';
const HOUR_MS = 3_600_000;

/**
 * The New York Stock Exchange (and, by convention, every US equity venue): sessions 09:30–16:00
 * America/New_York, 13:00 close on half days, closed on weekends, holidays and one-off closures;
 * extended hours from 04:00 (pre-market) to 20:00 (post-market) on session days only.
 * The rules are exact from 1998 (when NYSE first closed for MLK Day) on.
 */
export class XnysCalendar implements ExchangeCalendar {
  readonly code = 'XNYS';
  readonly timeZone = TIME_ZONE;
  private readonly years = new Map<number, Map<string, NyseSpecialDay>>();
  // Time-zone math dominates a multi-year gap scan; sessions never change, so keep them.
  private readonly sessions = new Map<string, TradingSession | null>();

  sessionsBetween(fromDate: string, toDate: string): TradingSession[] {
    return sessionsInRange(this, fromDate, toDate);
  }

  isSessionDate(date: string): boolean {
    const dow = weekday(date);
    if (dow === 0 || dow === 6) return false;
    return this.specialDay(date)?.kind !== 'closed';
  }

  session(date: string): TradingSession | null {
    let session = this.sessions.get(date);
    if (session === undefined) {
      session = this.computeSession(date);
      if (this.sessions.size > 50_000) this.sessions.clear();
      this.sessions.set(date, session);
    }
    return (
      session && {
        ...session,
        open: new Date(session.open),
        close: new Date(session.close),
        extended: session.extended && {
          from: new Date(session.extended.from),
          to: new Date(session.extended.to),
        },
      }
    );
  }

  dateOf(instant: Date): string {
    return DateTime.fromJSDate(instant, { zone: TIME_ZONE }).toISODate() as string;
  }

  startOfDay(date: string): Date {
    return DateTime.fromISO(date, { zone: TIME_ZONE }).toJSDate();
  }

  /** Why a date is closed or closes early (holiday name), or null on a normal day. */
  specialDay(date: string): NyseSpecialDay | null {
    const year = Number(date.slice(0, 4));
    let days = this.years.get(year);
    if (!days) {
      days = nyseSpecialDays(year);
      this.years.set(year, days);
    }
    return days.get(date) ?? null;
  }

  private computeSession(date: string): TradingSession | null {
    if (!this.isSessionDate(date)) return null;
    const early = this.specialDay(date)?.kind === 'early';
    // US clocks change at 02:00 on Sundays, never on a session day, so one time-zone lookup per
    // day suffices: open and close are fixed offsets from the day's local midnight.
    const midnight = this.startOfDay(date).getTime();
    return {
      date,
      open: new Date(midnight + 9.5 * HOUR_MS),
      close: new Date(midnight + (early ? 13 : 16) * HOUR_MS),
      early,
      extended: { from: new Date(midnight + 4 * HOUR_MS), to: new Date(midnight + 20 * HOUR_MS) },
    };
  }
}

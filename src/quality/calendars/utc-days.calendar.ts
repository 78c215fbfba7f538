import { DateTime } from 'luxon';

import { addDays, weekday } from './calendar-dates';
import { ExchangeCalendar, sessionsInRange, TradingSession } from './exchange-calendar';

/**
 * Markets that trade around the clock in whole UTC days: crypto every day ('24/7'), and
 * spot forex approximated as every UTC weekday ('24/5').
 */
export class UtcDaysCalendar implements ExchangeCalendar {
  readonly timeZone = 'UTC';

  private constructor(
    readonly code: string,
    private readonly weekendsOpen: boolean,
  ) {}

  static crypto(): UtcDaysCalendar {
    return new UtcDaysCalendar('24/7', true);
  }

  static forex(): UtcDaysCalendar {
    return new UtcDaysCalendar('24/5', false);
  }

  sessionsBetween(fromDate: string, toDate: string): TradingSession[] {
    return sessionsInRange(this, fromDate, toDate);
  }

  isSessionDate(date: string): boolean {
    if (this.weekendsOpen) return true;
    const dow = weekday(date);
    return dow !== 0 && dow !== 6;
  }

  session(date: string): TradingSession | null {
    if (!this.isSessionDate(date)) return null;
    return {
      date,
      open: this.startOfDay(date),
      close: this.startOfDay(addDays(date, 1)),
      early: false,
    };
  }

  dateOf(instant: Date): string {
    return DateTime.fromJSDate(instant, { zone: 'UTC' }).toISODate() as string;
  }

  startOfDay(date: string): Date {
    return new Date(`${date}T00:00:00.000Z`);
  }
}

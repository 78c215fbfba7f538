import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { Clock } from '../common/clock';
import { InvalidInputError } from '../common/domain-error';
import { parseTimeParam } from '../common/time-params';
import { addDays, daysBetween } from '../quality';
import { CALENDAR_CODES, calendarByCode } from '../quality';
import { ExchangeCalendar } from '../quality';
import { CalendarQueryDto } from './dto/calendar-query.dto';

/** Ten years of sessions: enough for any chart, small enough to answer at once. */
const MAX_RANGE_DAYS = 3_660;
const DEFAULT_RANGE_DAYS = 30;

export interface CalendarResponse {
  body: string;
  etag: string;
  cacheControl: string;
}

/** Trading sessions of an exchange, from the same calendars gap detection uses. */
@Injectable()
export class CalendarService {
  constructor(private readonly clock: Clock) {}

  getSessions(query: CalendarQueryDto): CalendarResponse {
    const calendar = calendarByCode(query.exchange ?? 'XNYS');
    if (!calendar) {
      throw InvalidInputError.field('exchange', `must be one of ${CALENDAR_CODES.join(', ')}`);
    }
    const start = query.start
      ? this.toDate('start', query.start, calendar)
      : calendar.dateOf(this.clock.now());
    const end = query.end
      ? this.toDate('end', query.end, calendar)
      : addDays(start, DEFAULT_RANGE_DAYS);
    const span = daysBetween(start, end);
    if (span < 0) throw InvalidInputError.field('start', 'must not be after end');
    if (span > MAX_RANGE_DAYS) {
      throw InvalidInputError.field('end', `must be at most ${MAX_RANGE_DAYS} days after start`);
    }
    const sessions = calendar.sessionsBetween(start, end).map((session) => ({
      date: session.date,
      open: session.open.toISOString(),
      close: session.close.toISOString(),
      early: session.early,
    }));
    const body = JSON.stringify(sessions);
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    // Published calendars change rarely (an unscheduled closure is announced days ahead).
    return { body, etag, cacheControl: 'public, max-age=3600' };
  }

  /** A date is taken as the session date; an instant as its date in the exchange time zone. */
  private toDate(field: string, value: string, calendar: ExchangeCalendar): string {
    const parsed = parseTimeParam(value);
    if (!parsed) throw InvalidInputError.field(field, 'must be a date or an ISO-8601 instant');
    return parsed.isDate ? value : calendar.dateOf(new Date(parsed.ms));
  }
}

import { InvalidInputError } from './domain-error';

/**
 * The one parser of every time the API accepts (query parameters such as `start`, `end`,
 * `since`, `until`, body fields such as `from`, `to`, `expiresAt`): a calendar date
 * (`2024-01-02`, a UTC day) or an ISO-8601 instant with its zone (`Z` or `±hh:mm`). An instant
 * without a zone is rejected rather than read in the server's time zone, and impossible dates
 * (`2023-02-29`, `2024-13-45`) or other ISO-8601 forms (`2024-W01-1`) are rejected instead of
 * being rolled over or guessed the way `Date.parse` does.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;

const DAY_MS = 86_400_000;

export interface ParsedTime {
  /** Epoch milliseconds of the instant, or of the day's UTC midnight for a date. */
  ms: number;
  isDate: boolean;
}

export function parseTimeParam(value: string): ParsedTime | undefined {
  const date = DATE.exec(value);
  if (date) {
    const ms = calendarDay(+date[1], +date[2], +date[3]);
    return ms === undefined ? undefined : { ms, isDate: true };
  }
  const instant = INSTANT.exec(value);
  if (!instant) return undefined;
  const day = calendarDay(+instant[1], +instant[2], +instant[3]);
  const [hour, minute, second] = [+instant[4], +instant[5], +(instant[6] ?? 0)];
  if (day === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = instant[7] ? Math.floor(+`0.${instant[7]}` * 1000) : 0;
  const offset = offsetMinutes(instant[8]);
  if (offset === undefined) return undefined;
  const ms = day + ((hour * 60 + minute - offset) * 60 + second) * 1000 + millis;
  return { ms, isDate: false };
}

/** `end` is inclusive: a date covers its whole UTC day, an instant itself. Returns exclusive ms. */
export function exclusiveEnd(parsed: ParsedTime): number {
  return parsed.isDate ? parsed.ms + DAY_MS : parsed.ms + 1;
}

export function isTimeParam(value: unknown): boolean {
  return typeof value === 'string' && parseTimeParam(value) !== undefined;
}

/** What a time field accepts, as every 400 about one says it. */
export const TIME_PARAM_RULE =
  'must be a real date (YYYY-MM-DD) or an ISO-8601 instant with a zone (2024-01-02T14:30:00Z)';

/**
 * A validated time as an instant: a date as the start of its UTC day, or (edge `end`, inclusive)
 * as the last millisecond of it. Throws a 400 naming the field when the value does not parse.
 */
export function instantOf(value: string, field: string, edge: 'start' | 'end' = 'start'): Date {
  const parsed = parseTimeParam(value);
  if (!parsed) throw InvalidInputError.field(field, TIME_PARAM_RULE);
  return new Date(edge === 'end' ? exclusiveEnd(parsed) - 1 : parsed.ms);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Epoch ms of a real calendar day's UTC midnight, or undefined (checked without a Date object). */
function calendarDay(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) return undefined;
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  return year >= 100
    ? Date.UTC(year, month - 1, day)
    : new Date(0).setUTCFullYear(year, month - 1, day);
}

function offsetMinutes(zone: string): number | undefined {
  if (zone.toUpperCase() === 'Z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!match || +match[2] > 23 || +match[3] > 59) return undefined;
  const minutes = +match[2] * 60 + +match[3];
  return match[1] === '-' ? -minutes : minutes;
}

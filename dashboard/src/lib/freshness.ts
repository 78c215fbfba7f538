/**
 * How fresh a stored series is, judged against its exchange calendar: a series is behind by the
 * sessions that closed (plus a grace period) after its last bar's session. So a stock whose last
 * bar is Friday's is healthy all weekend and over a holiday (no session closed since), while a
 * crypto series (a session every UTC day) that stopped on Friday is stale by Sunday.
 *
 * - healthy: no completed session is missing;
 * - warning: one is (the last backfill missed a day);
 * - stale: two or more are;
 * - unknown: the series has no bars.
 */
export type Freshness = 'healthy' | 'warning' | 'stale' | 'unknown';

export const FRESHNESS_ORDER: Record<Freshness, number> = {
  healthy: 0,
  warning: 1,
  stale: 2,
  unknown: 3,
};

/** A session as `GET /api/v1/calendar` returns it (`date` in the exchange's time zone). */
export interface CalendarSession {
  date: string;
  open: string;
  close: string;
  early?: boolean;
}

/**
 * A session counts as expected this long after its close: the daily backfill (02:00 UTC by
 * default) fetches the previous US session about five hours after it closes.
 */
export const GRACE_MS = 8 * 3_600_000;

export interface CalendarRef {
  /** Calendar code for /api/v1/calendar. */
  code: 'XNYS' | '24/7' | '24/5';
  /** The zone the calendar's session dates are in. */
  timeZone: string;
}

/** The calendar a symbol's bars follow (the server's rule: US stocks and indices on NYSE's). */
export function calendarOf(assetClass: string): CalendarRef {
  if (assetClass === 'crypto') return { code: '24/7', timeZone: 'UTC' };
  if (assetClass === 'forex') return { code: '24/5', timeZone: 'UTC' };
  return { code: 'XNYS', timeZone: 'America/New_York' };
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** YYYY-MM-DD of an instant in a time zone. */
export function dateIn(timeZone: string, ms: number): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timeZone, format);
  }
  return format.format(ms);
}

/** Completed sessions (closed at least GRACE_MS ago) after the session of the last bar. */
export function missedSessions(
  lastBarAt: string,
  now: number,
  sessions: readonly CalendarSession[],
  timeZone: string,
): number {
  const lastDate = dateIn(timeZone, Date.parse(lastBarAt));
  let missed = 0;
  for (const session of sessions) {
    if (session.date > lastDate && Date.parse(session.close) + GRACE_MS <= now) missed++;
  }
  return missed;
}

export function freshnessOf(
  lastBarAt: string | null,
  now: number,
  sessions: readonly CalendarSession[],
  timeZone: string,
): Freshness {
  if (!lastBarAt) return 'unknown';
  const missed = missedSessions(lastBarAt, now, sessions, timeZone);
  return missed === 0 ? 'healthy' : missed === 1 ? 'warning' : 'stale';
}

/** The worst of several (a symbol's timeframes); unknown only when nothing is known. */
export function worstFreshness(values: readonly Freshness[]): Freshness {
  const known = values.filter((value) => value !== 'unknown');
  if (known.length === 0) return 'unknown';
  return known.reduce((worst, value) =>
    FRESHNESS_ORDER[value] > FRESHNESS_ORDER[worst] ? value : worst,
  );
}

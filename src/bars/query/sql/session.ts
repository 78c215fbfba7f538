import type { BarsSelection, SessionFilter } from '../selection';
import { SESSION_CALENDAR } from '../session-rules';
import { Params } from './params';

/**
 * The windows of a session filter whose dates (exchange time) lie in the range, as one ascending
 * list of bounds: start, end, start, end, ... `regular` has one window a session day (open to
 * close, 13:00 on half days), `extended` two (pre-market from 04:00 to the open, post-market
 * from the close to 20:00); holidays and weekends have none. Each bound is an exact instant from
 * the calendar, so daylight-saving changes need nothing in SQL.
 */
export function sessionBounds(filter: SessionFilter, startIso: string, endIso: string): Date[] {
  const calendar = SESSION_CALENDAR;
  const from = calendar.dateOf(new Date(startIso));
  const to = calendar.dateOf(new Date(Date.parse(endIso) - 1));
  const bounds: Date[] = [];
  for (const session of calendar.sessionsBetween(from, to)) {
    if (filter === 'regular') {
      bounds.push(session.open, session.close);
    } else if (session.extended) {
      bounds.push(session.extended.from, session.open, session.close, session.extended.to);
    }
  }
  return bounds;
}

/**
 * The selection's session filter as a condition on raw bars under an alias, or null without one.
 * `width_bucket` counts the bounds at or before the bar's time (a binary search of the array):
 * an odd count puts the bar inside a window. The bounds are one array bind parameter, so the
 * statement text is the same for every range (one cached plan) and costs a few comparisons a
 * bar; the scalar subquery evaluates it once per statement (COPY's settings would otherwise be
 * parsed again for every row).
 */
export function sessionConditionSql(
  sel: BarsSelection,
  p: Params,
): ((alias: string) => string) | null {
  if (!sel.session) return null;
  const bounds = sessionBounds(sel.session, sel.startIso, sel.endExclusiveIso);
  const param = p.add(`{${bounds.map((d) => d.toISOString()).join(',')}}`, 'timestamptz[]');
  return (a) => `width_bucket(${a}.ts, (SELECT ${param})) % 2 = 1`;
}

import { describe, expect, it } from 'vitest';

import {
  calendarOf,
  type CalendarSession,
  dateIn,
  freshnessOf,
  GRACE_MS,
  missedSessions,
  worstFreshness,
} from './freshness';

/** NYSE regular sessions (EST, UTC-5) of the given dates. */
function nyse(...dates: string[]): CalendarSession[] {
  return dates.map((date) => ({
    date,
    open: `${date}T14:30:00.000Z`,
    close: `${date}T21:00:00.000Z`,
  }));
}

/** Crypto: every UTC day is a session. */
function utcDays(from: string, count: number): CalendarSession[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => {
    const open = new Date(start + i * 86_400_000);
    return {
      date: open.toISOString().slice(0, 10),
      open: open.toISOString(),
      close: new Date(open.getTime() + 86_400_000).toISOString(),
    };
  });
}

const NY = 'America/New_York';
const at = (iso: string): number => Date.parse(iso);

describe('freshness by exchange calendar', () => {
  // Fri 2024-03-01 .. Tue 2024-03-05; no sessions on the weekend.
  const weekSessions = nyse('2024-02-29', '2024-03-01', '2024-03-04', '2024-03-05');
  // A Friday daily bar, labelled at exchange midnight (05:00Z in winter).
  const fridayBar = '2024-03-01T05:00:00.000Z';

  it('keeps a stock healthy over the weekend', () => {
    expect(freshnessOf(fridayBar, at('2024-03-02T12:00:00Z'), weekSessions, NY)).toBe('healthy');
    expect(freshnessOf(fridayBar, at('2024-03-04T15:00:00Z'), weekSessions, NY)).toBe('healthy');
  });

  it('flags a stock once a session closed (plus grace) without its bar', () => {
    const mondayClosePlusGrace = at('2024-03-04T21:00:00Z') + GRACE_MS;
    expect(freshnessOf(fridayBar, mondayClosePlusGrace - 1, weekSessions, NY)).toBe('healthy');
    expect(freshnessOf(fridayBar, mondayClosePlusGrace, weekSessions, NY)).toBe('warning');
    expect(freshnessOf(fridayBar, at('2024-03-06T12:00:00Z'), weekSessions, NY)).toBe('stale');
  });

  it('keeps a stock healthy over a holiday (no session that day)', () => {
    // Thanksgiving 2024-11-28 is not a session; the bar of Wednesday the 27th is the latest due
    // until Friday's (half day) session has closed.
    const sessions = nyse('2024-11-26', '2024-11-27', '2024-11-29');
    const wednesday = '2024-11-27T05:00:00.000Z';
    expect(freshnessOf(wednesday, at('2024-11-29T12:00:00Z'), sessions, NY)).toBe('healthy');
  });

  it('marks crypto stale over a weekend without bars', () => {
    const sessions = utcDays('2024-02-28', 6); // Wed .. Mon
    const fridayCrypto = '2024-03-01T00:00:00.000Z';
    // Saturday's session closed at Sunday 00:00Z; with the grace it is due Sunday 08:00Z.
    expect(freshnessOf(fridayCrypto, at('2024-03-02T12:00:00Z'), sessions, 'UTC')).toBe('healthy');
    expect(freshnessOf(fridayCrypto, at('2024-03-03T09:00:00Z'), sessions, 'UTC')).toBe('warning');
    expect(freshnessOf(fridayCrypto, at('2024-03-04T09:00:00Z'), sessions, 'UTC')).toBe('stale');
  });

  it('places minute bars in their exchange-local session, pre- and post-market included', () => {
    // 2024-03-04 23:30Z is 18:30 New York time: post-market of Monday's session.
    expect(dateIn(NY, at('2024-03-04T23:30:00Z'))).toBe('2024-03-04');
    expect(
      missedSessions('2024-03-04T23:30:00.000Z', at('2024-03-05T12:00:00Z'), weekSessions, NY),
    ).toBe(0);
  });

  it('is unknown without bars, and a symbol takes its worst known series', () => {
    expect(freshnessOf(null, Date.now(), weekSessions, NY)).toBe('unknown');
    expect(worstFreshness(['healthy', 'stale', 'warning'])).toBe('stale');
    expect(worstFreshness(['unknown', 'healthy'])).toBe('healthy');
    expect(worstFreshness(['unknown'])).toBe('unknown');
    expect(worstFreshness([])).toBe('unknown');
  });

  it('uses the calendar of the asset class', () => {
    expect(calendarOf('stocks')).toEqual({ code: 'XNYS', timeZone: NY });
    expect(calendarOf('indices').code).toBe('XNYS');
    expect(calendarOf('crypto')).toEqual({ code: '24/7', timeZone: 'UTC' });
    expect(calendarOf('forex').code).toBe('24/5');
  });
});

import { DateTime } from 'luxon';

import { addDays, weekday } from './calendar-dates';
import { calendarByCode, calendarFor } from './calendar-for';
import { easterSunday } from './easter';
import { NYSE_CLOSED, NYSE_EARLY_CLOSE } from './nyse-holidays.fixture';
import { XnysCalendar } from './xnys.calendar';

const calendar = new XnysCalendar();

function weekdaysOf(year: number): string[] {
  const days: string[] = [];
  for (let date = `${year}-01-01`; date.startsWith(`${year}`); date = addDays(date, 1)) {
    const dow = weekday(date);
    if (dow !== 0 && dow !== 6) days.push(date);
  }
  return days;
}

describe('XNYS calendar', () => {
  const years = Object.keys(NYSE_CLOSED).map(Number);

  it('covers every year from 2000 to 2030 in the published list', () => {
    expect(years).toHaveLength(31);
    expect(Object.keys(NYSE_EARLY_CLOSE).map(Number)).toEqual(years);
  });

  it.each(years)('closes on exactly the published weekday holidays of %i', (year) => {
    const closed = weekdaysOf(year).filter((date) => !calendar.isSessionDate(date));
    expect(closed).toEqual(NYSE_CLOSED[year].map((md) => `${year}-${md}`));
  });

  it.each(years)('closes early at 13:00 on exactly the published half days of %i', (year) => {
    const early = calendar
      .sessionsBetween(`${year}-01-01`, `${year}-12-31`)
      .filter((session) => session.early);
    expect(early.map((s) => s.date)).toEqual(NYSE_EARLY_CLOSE[year].map((md) => `${year}-${md}`));
    for (const session of early) {
      expect(session.close.toISOString().slice(11, 16)).toBe(
        session.date.slice(5) === '07-03' || session.date.slice(5) === '07-05' ? '17:00' : '18:00',
      );
    }
  });

  it('never opens on a weekend', () => {
    expect(calendar.sessionsBetween('2024-01-06', '2024-01-07')).toEqual([]);
    expect(calendar.isSessionDate('2024-06-15')).toBe(false);
  });

  it('opens at 09:30 and closes at 16:00 New York time across daylight-saving changes', () => {
    const [winter] = calendar.sessionsBetween('2024-01-02', '2024-01-02');
    expect(winter.open.toISOString()).toBe('2024-01-02T14:30:00.000Z');
    expect(winter.close.toISOString()).toBe('2024-01-02T21:00:00.000Z');
    const [summer] = calendar.sessionsBetween('2024-07-01', '2024-07-01');
    expect(summer.open.toISOString()).toBe('2024-07-01T13:30:00.000Z');
    expect(summer.close.toISOString()).toBe('2024-07-01T20:00:00.000Z');
    // The Monday after the spring-forward Sunday.
    expect(calendar.session('2024-03-11')?.open.toISOString()).toBe('2024-03-11T13:30:00.000Z');
  });

  it('opens every session 2000–2030 at 09:30 local and closes at 16:00 or 13:00 local', () => {
    const local = (instant: Date) =>
      DateTime.fromJSDate(instant, { zone: 'America/New_York' }).toFormat('yyyy-MM-dd HH:mm');
    const wrong = calendar
      .sessionsBetween('2000-01-01', '2030-12-31')
      .filter(
        (session) =>
          local(session.open) !== `${session.date} 09:30` ||
          local(session.close) !== `${session.date} ${session.early ? '13:00' : '16:00'}`,
      );
    expect(wrong).toEqual([]);
  });

  it('counts 252 sessions in 2024 and 250 in 2025', () => {
    expect(calendar.sessionsBetween('2024-01-01', '2024-12-31')).toHaveLength(252);
    expect(calendar.sessionsBetween('2025-01-01', '2025-12-31')).toHaveLength(250);
  });

  it('names why a day is closed', () => {
    expect(calendar.specialDay('2024-03-29')?.reason).toBe('Good Friday');
    expect(calendar.specialDay('2022-06-20')?.reason).toBe('Juneteenth');
    expect(calendar.specialDay('2024-01-03')).toBeNull();
  });

  it('dates an instant in New York time and stamps daily bars at New York midnight', () => {
    expect(calendar.dateOf(new Date('2024-01-03T03:00:00Z'))).toBe('2024-01-02');
    expect(calendar.startOfDay('2024-01-02').toISOString()).toBe('2024-01-02T05:00:00.000Z');
    expect(calendar.startOfDay('2024-07-02').toISOString()).toBe('2024-07-02T04:00:00.000Z');
  });
});

describe('easterSunday', () => {
  it.each([
    [2000, 4, 23],
    [2008, 3, 23],
    [2011, 4, 24],
    [2019, 4, 21],
    [2024, 3, 31],
    [2038, 4, 25],
  ])('puts Easter %i on %i-%i', (year, month, day) => {
    expect(easterSunday(year)).toEqual([month, day]);
  });
});

describe('calendarFor', () => {
  it('uses NYSE for stocks and indices whatever the US venue, UTC days for crypto and forex', () => {
    expect(calendarFor('stocks', 'XNAS').code).toBe('XNYS');
    expect(calendarFor('indices').code).toBe('XNYS');
    expect(calendarFor('crypto').code).toBe('24/7');
    expect(calendarFor('forex').code).toBe('24/5');
  });

  it('looks calendars up by code, case-insensitively', () => {
    expect(calendarByCode('xnys')?.code).toBe('XNYS');
    expect(calendarByCode('XLON')).toBeUndefined();
  });

  it('opens crypto every UTC day from midnight to midnight', () => {
    const crypto = calendarFor('crypto');
    const sessions = crypto.sessionsBetween('2024-12-24', '2024-12-26');
    expect(sessions.map((s) => s.date)).toEqual(['2024-12-24', '2024-12-25', '2024-12-26']);
    expect(sessions[1].open.toISOString()).toBe('2024-12-25T00:00:00.000Z');
    expect(sessions[1].close.toISOString()).toBe('2024-12-26T00:00:00.000Z');
    expect(crypto.dateOf(new Date('2024-01-03T03:00:00Z'))).toBe('2024-01-03');
  });

  it('closes forex on UTC weekends', () => {
    expect(
      calendarFor('forex')
        .sessionsBetween('2024-01-05', '2024-01-08')
        .map((s) => s.date),
    ).toEqual(['2024-01-05', '2024-01-08']);
  });
});

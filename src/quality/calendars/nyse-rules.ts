import { addDays, formatDate, nthWeekday, weekday } from './calendar-dates';
import { easterSunday } from './easter';

export type NyseDayKind = 'closed' | 'early';

export interface NyseSpecialDay {
  date: string;
  kind: NyseDayKind;
  reason: string;
}

const MONDAY = 1;
const WEDNESDAY = 3;
const THURSDAY = 4;
const FRIDAY = 5;
const SATURDAY = 6;
const SUNDAY = 0;

/**
 * Unscheduled full-day closures (NYSE announcements): these follow no rule, so they are listed.
 */
const ONE_OFF_CLOSURES: readonly NyseSpecialDay[] = [
  { date: '2001-09-11', kind: 'closed', reason: 'September 11 attacks' },
  { date: '2001-09-12', kind: 'closed', reason: 'September 11 attacks' },
  { date: '2001-09-13', kind: 'closed', reason: 'September 11 attacks' },
  { date: '2001-09-14', kind: 'closed', reason: 'September 11 attacks' },
  { date: '2004-06-11', kind: 'closed', reason: 'Day of mourning for President Reagan' },
  { date: '2007-01-02', kind: 'closed', reason: 'Day of mourning for President Ford' },
  { date: '2012-10-29', kind: 'closed', reason: 'Hurricane Sandy' },
  { date: '2012-10-30', kind: 'closed', reason: 'Hurricane Sandy' },
  { date: '2018-12-05', kind: 'closed', reason: 'Day of mourning for President G.H.W. Bush' },
  { date: '2025-01-09', kind: 'closed', reason: 'Day of mourning for President Carter' },
];

/**
 * NYSE Rule 7.2: a holiday on a Saturday is observed the Friday before, on a Sunday the Monday
 * after — except New Year's Day, whose Saturday case is not observed at all (the Friday before
 * is the last trading day of the previous year, which must close the books).
 */
function observed(date: string, saturdayToFriday = true): string | null {
  const dow = weekday(date);
  if (dow === SATURDAY) return saturdayToFriday ? addDays(date, -1) : null;
  if (dow === SUNDAY) return addDays(date, 1);
  return date;
}

/** Every full closure and early close of NYSE in one year, by rule (valid from 1998 on). */
export function nyseSpecialDays(year: number): Map<string, NyseSpecialDay> {
  const days = new Map<string, NyseSpecialDay>();
  const close = (date: string | null, reason: string) => {
    if (date) days.set(date, { date, kind: 'closed', reason });
  };

  close(observed(formatDate(year, 1, 1), false), "New Year's Day");
  if (year >= 1998) close(nthWeekday(year, 1, MONDAY, 3), 'Martin Luther King Jr. Day');
  close(nthWeekday(year, 2, MONDAY, 3), "Washington's Birthday");
  const [easterMonth, easterDay] = easterSunday(year);
  close(addDays(formatDate(year, easterMonth, easterDay), -2), 'Good Friday');
  close(nthWeekday(year, 5, MONDAY, -1), 'Memorial Day');
  if (year >= 2022) close(observed(formatDate(year, 6, 19)), 'Juneteenth');
  close(observed(formatDate(year, 7, 4)), 'Independence Day');
  close(nthWeekday(year, 9, MONDAY, 1), 'Labor Day');
  const thanksgiving = nthWeekday(year, 11, THURSDAY, 4);
  close(thanksgiving, 'Thanksgiving Day');
  close(observed(formatDate(year, 12, 25)), 'Christmas Day');
  for (const day of ONE_OFF_CLOSURES) {
    if (day.date.startsWith(`${year}-`)) days.set(day.date, day);
  }

  const early = (date: string, reason: string) => {
    const dow = weekday(date);
    if (dow !== SATURDAY && dow !== SUNDAY && !days.has(date)) {
      days.set(date, { date, kind: 'early', reason });
    }
  };
  // Independence Day half days changed in 2013: before, a Thursday July 4th gave a half day on
  // Friday July 5th and a Wednesday July 3rd was a full day; since, the half day is the
  // Wednesday before and the Friday after is a full day.
  const july3 = formatDate(year, 7, 3);
  const july3Dow = weekday(july3);
  if (july3Dow !== WEDNESDAY || year >= 2013) early(july3, 'Day before Independence Day');
  const july5 = formatDate(year, 7, 5);
  if (year < 2013 && weekday(july5) === FRIDAY) early(july5, 'Day after Independence Day');
  early(addDays(thanksgiving, 1), 'Day after Thanksgiving');
  early(formatDate(year, 12, 24), 'Christmas Eve');
  return days;
}

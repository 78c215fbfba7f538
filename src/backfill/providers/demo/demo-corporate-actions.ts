import { addDays, calendarFor } from '../../../quality';
import { SplitSchedule } from './synthetic-market';

/** The demo stock that splits (and pays dividends), so the quick start shows adjustment. */
export const DEMO_SPLITTING_SYMBOL = 'NVDA';
/** Its raw history starts here (the synthetic walk's first day); so do its splits. */
const FIRST_SPLIT_YEAR = 1990;

const executionDates = new Map<number, string>();

/**
 * The demo's split: 2-for-1 on the first NYSE session on or after 10 June, every year. Yearly, so
 * that any year of demo data holds one; the synthetic walk's mean reversion brings the price back
 * up between splits, so raw prices stay in a plausible band while the adjusted history doubles
 * a year.
 */
export function demoSplitDate(year: number): string {
  let date = executionDates.get(year);
  if (date === undefined) {
    const calendar = calendarFor('stocks');
    date = `${year}-06-10`;
    while (!calendar.isSessionDate(date)) date = addDays(date, 1);
    executionDates.set(year, date);
  }
  return date;
}

export const DEMO_SPLIT_SCHEDULE: SplitSchedule = {
  splits: (symbol) => symbol === DEMO_SPLITTING_SYMBOL,
  ratioOn(symbol, date) {
    if (symbol !== DEMO_SPLITTING_SYMBOL || !date.includes('-06-')) return 1;
    const year = Number(date.slice(0, 4));
    return year >= FIRST_SPLIT_YEAR && demoSplitDate(year) === date ? 2 : 1;
  },
};

/** The demo splits executed up to `lastDate`, oldest first. */
export function demoSplitDates(lastDate: string): string[] {
  const dates: string[] = [];
  const lastYear = Number(lastDate.slice(0, 4));
  for (let year = FIRST_SPLIT_YEAR; year <= lastYear; year += 1) {
    const date = demoSplitDate(year);
    if (date <= lastDate) dates.push(date);
  }
  return dates;
}

import request from 'supertest';

import { startTestApp, TestApp } from '../../support/test-app';

/**
 * NYSE's published trading calendar, typed in from the exchange's holiday and early-close
 * notices (independently of the rules the calendar is computed from): full closures, 13:00
 * closes, and the US daylight-saving dates that move the UTC times of 09:30 and 16:00.
 */
const PUBLISHED = {
  2024: {
    closed: [
      '2024-01-01', // New Year's Day
      '2024-01-15', // Martin Luther King, Jr. Day
      '2024-02-19', // Washington's Birthday
      '2024-03-29', // Good Friday
      '2024-05-27', // Memorial Day
      '2024-06-19', // Juneteenth
      '2024-07-04', // Independence Day
      '2024-09-02', // Labor Day
      '2024-11-28', // Thanksgiving Day
      '2024-12-25', // Christmas Day
    ],
    early: ['2024-07-03', '2024-11-29', '2024-12-24'],
    daylightSaving: ['2024-03-10', '2024-11-03'],
    sessions: 252,
  },
  2025: {
    closed: [
      '2025-01-01',
      '2025-01-09', // National Day of Mourning for President Carter
      '2025-01-20',
      '2025-02-17',
      '2025-04-18',
      '2025-05-26',
      '2025-06-19',
      '2025-07-04',
      '2025-09-01',
      '2025-11-27',
      '2025-12-25',
    ],
    early: ['2025-07-03', '2025-11-28', '2025-12-24'],
    daylightSaving: ['2025-03-09', '2025-11-02'],
    sessions: 250,
  },
} as const;

interface Session {
  date: string;
  open: string;
  close: string;
  early: boolean;
}

function weekdaysOf(year: number): string[] {
  const days: string[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** `HH:MM` New York time on a date as a UTC instant, from the published DST dates. */
function newYork(date: string, time: string, [dstStart, dstEnd]: readonly string[]): string {
  const offset = date >= dstStart && date < dstEnd ? 4 : 5;
  const [h, m] = time.split(':').map(Number);
  const [y, mo, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h + offset, m)).toISOString();
}

describe('GET /api/v1/calendar against the published NYSE calendar', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each([2024, 2025] as const)(
    'lists exactly the NYSE sessions of %i, half days closing at 13:00 New York',
    async (year) => {
      const published = PUBLISHED[year];
      const res = await request(t.url)
        .get('/api/v1/calendar')
        .query({ exchange: 'XNYS', start: `${year}-01-01`, end: `${year}-12-31` })
        .expect(200);
      const closed = new Set<string>(published.closed);
      const expected: Session[] = weekdaysOf(year)
        .filter((date) => !closed.has(date))
        .map((date) => {
          const early = (published.early as readonly string[]).includes(date);
          return {
            date,
            open: newYork(date, '09:30', published.daylightSaving),
            close: newYork(date, early ? '13:00' : '16:00', published.daylightSaving),
            early,
          };
        });
      expect(expected).toHaveLength(published.sessions);
      expect(res.body).toEqual(expected);
    },
  );
});

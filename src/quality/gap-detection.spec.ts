import { calendarFor } from './calendars/calendar-for';
import { detectionWindow, findMissingSessions } from './gap-detection';
import type { SeriesPresence } from './gaps.repository';

const xnys = calendarFor('stocks');
const crypto = calendarFor('crypto');

function presence(dates: string[], first: string, last: string): SeriesPresence {
  return { dates: new Set(dates), firstBarAt: new Date(first), lastBarAt: new Date(last) };
}

describe('gap detection', () => {
  // 2024-07-01 (Mon) .. 2024-07-08 (Mon): July 4 is a holiday, July 3 a half day, 6-7 a weekend.
  const now = new Date('2024-07-10T00:00:00Z');
  const from = new Date('2024-07-01T04:00:00Z');
  const to = new Date('2024-07-08T23:00:00Z');

  it('never reports weekends or holidays', () => {
    const seen = presence(
      ['2024-07-01', '2024-07-02', '2024-07-03', '2024-07-05', '2024-07-08'],
      '2024-07-01T04:00:00Z',
      '2024-07-08T04:00:00Z',
    );
    const window = detectionWindow(xnys, from, to, seen, now)!;
    expect(findMissingSessions(xnys, '1d', window, seen, now)).toEqual([]);
  });

  it('reports one gap for a missing session, spanning its open to its close', () => {
    const seen = presence(
      ['2024-07-01', '2024-07-02', '2024-07-05', '2024-07-08'],
      '2024-07-01T04:00:00Z',
      '2024-07-08T04:00:00Z',
    );
    const window = detectionWindow(xnys, from, to, seen, now)!;
    expect(findMissingSessions(xnys, '1d', window, seen, now)).toEqual([
      {
        from: new Date('2024-07-03T13:30:00Z'),
        to: new Date('2024-07-03T17:00:00Z'),
        expectedBars: 1,
        status: 'open',
      },
    ]);
  });

  it('counts the expected minutes of a missing minute session (half day)', () => {
    const seen = presence(
      ['2024-07-01', '2024-07-02', '2024-07-05', '2024-07-08'],
      '2024-07-01T08:00:00Z',
      '2024-07-08T23:59:00Z',
    );
    const window = detectionWindow(xnys, from, to, seen, now)!;
    const [gap] = findMissingSessions(xnys, '1m', window, seen, now);
    expect(gap.expectedBars).toBe(210);
  });

  it('marks missing sessions after the last stored bar as not yet available', () => {
    const seen = presence(
      ['2024-07-01', '2024-07-02'],
      '2024-07-01T04:00:00Z',
      '2024-07-02T04:00:00Z',
    );
    const window = detectionWindow(xnys, from, to, seen, now)!;
    const gaps = findMissingSessions(xnys, '1d', window, seen, now);
    expect(gaps.map((gap) => gap.status)).toEqual([
      'not_yet_available',
      'not_yet_available',
      'not_yet_available',
    ]);
  });

  it('does not expect a session that has not closed yet', () => {
    const during = new Date('2024-07-08T15:00:00Z');
    const seen = presence(
      ['2024-07-01', '2024-07-02', '2024-07-03', '2024-07-05'],
      '2024-07-01T04:00:00Z',
      '2024-07-05T04:00:00Z',
    );
    const window = detectionWindow(xnys, from, to, seen, during)!;
    expect(findMissingSessions(xnys, '1d', window, seen, during)).toEqual([]);
  });

  it('expects nothing before the first stored bar', () => {
    const seen = presence(
      ['2024-07-05', '2024-07-08'],
      '2024-07-05T04:00:00Z',
      '2024-07-08T04:00:00Z',
    );
    const window = detectionWindow(xnys, from, to, seen, now)!;
    expect(window.fromDate).toBe('2024-07-05');
    expect(findMissingSessions(xnys, '1d', window, seen, now)).toEqual([]);
  });

  it('expects every UTC day, weekends included, for crypto', () => {
    const seen = presence(
      [
        '2024-07-01',
        '2024-07-02',
        '2024-07-03',
        '2024-07-04',
        '2024-07-05',
        '2024-07-07',
        '2024-07-08',
      ],
      '2024-07-01T00:00:00Z',
      '2024-07-08T00:00:00Z',
    );
    const window = detectionWindow(crypto, new Date('2024-07-01T00:00:00Z'), to, seen, now)!;
    const gaps = findMissingSessions(crypto, '1d', window, seen, now);
    expect(gaps.map((gap) => gap.from.toISOString())).toEqual(['2024-07-06T00:00:00.000Z']);
  });

  it('has no window for a series without bars', () => {
    const empty: SeriesPresence = { dates: new Set(), firstBarAt: null, lastBarAt: null };
    expect(detectionWindow(xnys, from, to, empty, now)).toBeNull();
  });
});

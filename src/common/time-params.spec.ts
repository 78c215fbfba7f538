import { exclusiveEnd, isTimeParam, parseTimeParam } from './time-params';

/** Oracle: a calendar day is real when a Date built from it reads back the same fields. */
function realDay(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseTimeParam', () => {
  it('accepts exactly the real calendar days (leap years included) at their UTC midnight', () => {
    for (const year of [1, 99, 100, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
          const parsed = parseTimeParam(text);
          const real = month >= 1 && month <= 12 && realDay(year, month, day);
          expect([text, parsed !== undefined]).toEqual([text, real]);
          if (parsed) {
            const expected = new Date(0);
            expected.setUTCFullYear(year, month - 1, day);
            expect([text, parsed]).toEqual([text, { ms: expected.getTime(), isDate: true }]);
          }
        }
      }
    }
  });

  it.each([
    ['2024-01-02T14:30:00Z', Date.UTC(2024, 0, 2, 14, 30)],
    ['2024-01-02T14:30Z', Date.UTC(2024, 0, 2, 14, 30)],
    ['2024-01-02t14:30:00.123z', Date.UTC(2024, 0, 2, 14, 30, 0, 123)],
    ['2024-01-02T14:30:00.123456789Z', Date.UTC(2024, 0, 2, 14, 30, 0, 123)],
    ['2024-01-02T14:30:00+05:30', Date.UTC(2024, 0, 2, 9, 0)],
    ['2024-01-02T14:30:00-0500', Date.UTC(2024, 0, 2, 19, 30)],
    ['2024-02-29T23:59:59Z', Date.UTC(2024, 1, 29, 23, 59, 59)],
  ])('reads the instant %s', (text, ms) => {
    expect(parseTimeParam(text)).toEqual({ ms, isDate: false });
  });

  it.each([
    '2023-02-29',
    '2024-13-45',
    '2024-04-31',
    '2024-1-2',
    '2024-01-02T24:00:00Z',
    '2024-01-02T14:60:00Z',
    '2024-01-02T14:30:60Z',
    '2024-01-02T14:30:00',
    '2024-01-02T14:30:00+24:00',
    '2023-02-29T00:00:00Z',
    'yesterday',
    '',
  ])('rejects %s', (text) => {
    expect(parseTimeParam(text)).toBeUndefined();
    expect(isTimeParam(text)).toBe(false);
  });

  it('makes an end date cover its whole day and an end instant itself', () => {
    expect(exclusiveEnd(parseTimeParam('2024-01-02')!)).toBe(Date.UTC(2024, 0, 3));
    expect(exclusiveEnd(parseTimeParam('2024-01-02T00:00:00Z')!)).toBe(Date.UTC(2024, 0, 2) + 1);
  });
});

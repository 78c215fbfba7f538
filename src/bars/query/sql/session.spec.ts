import { sessionBounds } from './session';

const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());

describe('sessionBounds', () => {
  it('gives one regular window a session day, 13:00 on a half day, none on a holiday', () => {
    // Wed 2024-11-27 full day, Thu 11-28 Thanksgiving, Fri 11-29 half day, weekend.
    expect(
      iso(sessionBounds('regular', '2024-11-27T05:00:00.000Z', '2024-12-02T05:00:00.000Z')),
    ).toEqual([
      '2024-11-27T14:30:00.000Z',
      '2024-11-27T21:00:00.000Z',
      '2024-11-29T14:30:00.000Z',
      '2024-11-29T18:00:00.000Z',
    ]);
  });

  it('gives pre-market and post-market windows for extended, the post-market of a half day from 13:00', () => {
    expect(
      iso(sessionBounds('extended', '2024-11-29T05:00:00.000Z', '2024-11-30T05:00:00.000Z')),
    ).toEqual([
      '2024-11-29T09:00:00.000Z',
      '2024-11-29T14:30:00.000Z',
      '2024-11-29T18:00:00.000Z',
      '2024-11-30T01:00:00.000Z',
    ]);
  });

  it('follows New York time across a daylight-saving change', () => {
    // Fri 2024-03-08 on EST (UTC-5), Mon 03-11 on EDT (UTC-4).
    expect(
      iso(sessionBounds('extended', '2024-03-08T05:00:00.000Z', '2024-03-12T04:00:00.000Z')),
    ).toEqual([
      '2024-03-08T09:00:00.000Z',
      '2024-03-08T14:30:00.000Z',
      '2024-03-08T21:00:00.000Z',
      '2024-03-09T01:00:00.000Z',
      '2024-03-11T08:00:00.000Z',
      '2024-03-11T13:30:00.000Z',
      '2024-03-11T20:00:00.000Z',
      '2024-03-12T00:00:00.000Z',
    ]);
  });

  it('takes the exchange dates of the range: an instant late in the UTC day is the New York day before', () => {
    // 2024-07-03T02:00Z is still July 2nd in New York; the exclusive end is July 3rd's midnight.
    expect(
      iso(sessionBounds('regular', '2024-07-03T02:00:00.000Z', '2024-07-04T04:00:00.000Z')),
    ).toEqual([
      '2024-07-02T13:30:00.000Z',
      '2024-07-02T20:00:00.000Z',
      '2024-07-03T13:30:00.000Z',
      '2024-07-03T17:00:00.000Z',
    ]);
  });
});

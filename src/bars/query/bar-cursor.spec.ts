import { InvalidInputError } from '../../common/domain-error';
import { parseTimeParam } from '../../common/time-params';
import { decodeCursor, encodeCursor, fingerprint } from './bar-cursor';
import { microsToIso } from './bar-query.resolver';

describe('bar cursor', () => {
  const print = fingerprint(['AAPL', '1m', 'asc']);
  const position = { afterMicros: '1704205800123456', startMs: 1, endExclusiveMs: 2 };

  it('round-trips a position under the same query', () => {
    expect(decodeCursor(encodeCursor(position, print), print)).toEqual({
      ...position,
      symbol: undefined,
    });
  });

  it('refuses a cursor from another query or a forged one', () => {
    const cursor = encodeCursor(position, print);
    expect(() => decodeCursor(cursor, fingerprint(['AAPL', '1m', 'desc']))).toThrow(
      InvalidInputError,
    );
    expect(() => decodeCursor('garbage', print)).toThrow(InvalidInputError);
    const forged = Buffer.from(
      JSON.stringify({ v: 1, t: '1; DROP', w: [1, 2], f: print }),
    ).toString('base64url');
    expect(() => decodeCursor(forged, print)).toThrow(InvalidInputError);
  });

  it('keeps microseconds exact', () => {
    expect(microsToIso('1704205800123456')).toBe('2024-01-02T14:30:00.123456Z');
    expect(microsToIso('0')).toBe('1970-01-01T00:00:00.000000Z');
  });
});

describe('time parameters', () => {
  it.each([
    '2023-02-29',
    '2024-13-45',
    '2024-00-10',
    '2024-04-31',
    '2024-01-02T24:00:00Z',
    '2024-01-02 10:00',
  ])('rejects %s', (value) => expect(parseTimeParam(value)).toBeUndefined());

  it('parses dates, instants and offsets', () => {
    expect(parseTimeParam('2024-02-29')).toEqual({ ms: Date.UTC(2024, 1, 29), isDate: true });
    expect(parseTimeParam('2024-01-02T09:30:00-05:00')!.ms).toBe(Date.UTC(2024, 0, 2, 14, 30));
    expect(parseTimeParam('2024-01-02T14:30:00.5Z')!.ms).toBe(Date.UTC(2024, 0, 2, 14, 30, 0, 500));
  });
});

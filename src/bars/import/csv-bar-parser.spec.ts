import { CsvBarParser } from './csv-bar-parser';

describe('CsvBarParser', () => {
  const minute = () => {
    const parser = new CsvBarParser('1m', 'America/New_York');
    expect(
      parser.readHeader(['timestamp', 'open', 'high', 'low', 'close', 'volume', 'vwap', 'trades']),
    ).toBeUndefined();
    return parser;
  };

  it('accepts ISO instants and epoch milliseconds', () => {
    const parser = minute();
    expect(
      parser.parse(['2024-01-02T14:30:00Z', '1', '2', '0.5', '1.5', '100', '1.2', '7']),
    ).toEqual({
      bar: {
        ts: Date.UTC(2024, 0, 2, 14, 30),
        open: 1,
        high: 2,
        low: 0.5,
        close: 1.5,
        volume: 100,
        vwap: 1.2,
        trades: 7,
      },
    });
    const epoch = parser.parse([
      String(Date.UTC(2024, 0, 2, 14, 31)),
      '1',
      '2',
      '0.5',
      '1.5',
      '100',
      '',
      '',
    ]);
    expect(epoch).toEqual({
      bar: expect.objectContaining({ ts: Date.UTC(2024, 0, 2, 14, 31), vwap: null, trades: null }),
    });
  });

  it('maps a date to the local midnight of the symbol time zone for daily bars', () => {
    const parser = new CsvBarParser('1d', 'America/New_York');
    parser.readHeader(['timestamp', 'open', 'high', 'low', 'close', 'volume']);
    expect(parser.parse(['2024-07-01', '1', '1', '1', '1', '1'])).toEqual({
      bar: expect.objectContaining({ ts: Date.UTC(2024, 6, 1, 4) }),
    });
  });

  it.each([
    [['2023-02-29T10:00:00Z', '1', '1', '1', '1', '1', '', ''], /timestamp/],
    [['2024-01-02', '1', '1', '1', '1', '1', '', ''], /need a time/],
    [['2024-01-02T14:30:30Z', '1', '1', '1', '1', '1', '', ''], /minute boundary/],
    [['2024-01-02T14:30:00Z', 'abc', '1', '1', '1', '1', '', ''], /open "abc"/],
    [['2024-01-02T14:30:00Z', '1', '1', '1', '1', '-5', '', ''], /volume is negative/],
    [['2024-01-02T14:30:00Z', '1', '1', '1', '1', '1', '', '2.5'], /trades/],
    [['2024-01-02T14:30:00Z', '1', '1'], /expected 8 fields, found 3/],
  ])('rejects %j', (record, reason) => {
    const result = minute().parse(record);
    expect('rejection' in result && result.rejection).toMatch(reason);
  });

  it('rejects an unknown header', () => {
    expect(new CsvBarParser('1m', 'UTC').readHeader(['time', 'o', 'h', 'l', 'c', 'v'])).toMatch(
      /header must be/,
    );
  });
});

import { FixedClock } from '../../common/clock';
import { InvalidInputError } from '../../common/domain-error';
import { BarQueryResolver } from './bar-query.resolver';

describe('BarQueryResolver', () => {
  const now = new Date('2024-06-15T12:00:00.000Z');
  const resolver = new BarQueryResolver(new FixedClock(now));

  it('defaults to the last year of daily bars before now', () => {
    const { selection } = resolver.resolve(['AAPL'], {}, undefined);
    expect(selection).toMatchObject({
      timeframe: '1d',
      sort: 'asc',
      limit: 5000,
      endExclusiveIso: '2024-06-15T12:01:00.000Z',
      startIso: '2023-06-16T12:01:00.000Z',
    });
  });

  it('defaults to the last 30 days for intraday timeframes', () => {
    const { selection } = resolver.resolve(['AAPL'], { timeframe: '4h' }, undefined);
    expect(selection.startIso).toBe('2024-05-16T12:01:00.000Z');
  });

  it('counts the default window back from an explicit end, whose whole day is included', () => {
    const { selection } = resolver.resolve(['AAPL'], { end: '2024-01-31' }, undefined);
    expect(selection.endExclusiveIso).toBe('2024-02-01T00:00:00.000Z');
    expect(selection.startIso).toBe('2023-02-01T00:00:00.000Z');
  });

  it('chooses CSV from the Accept header unless format says otherwise, and leaves CSV uncapped', () => {
    expect(resolver.resolve(['AAPL'], {}, 'text/csv').format).toBe('csv');
    expect(resolver.resolve(['AAPL'], {}, 'text/csv').selection.limit).toBeUndefined();
    expect(resolver.resolve(['AAPL'], { format: 'json' }, 'text/csv').format).toBe('json');
    expect(resolver.resolve(['AAPL'], {}, 'application/json').format).toBe('json');
  });

  it('refuses a start after the end or after now', () => {
    expect(() =>
      resolver.resolve(['AAPL'], { start: '2024-02-02', end: '2024-02-01' }, undefined),
    ).toThrow(InvalidInputError);
    expect(() => resolver.resolve(['AAPL'], { start: '2024-06-16' }, undefined)).toThrow(
      InvalidInputError,
    );
  });

  it('carries an adjustment into the selection and the cursor fingerprint; raw is no adjustment', () => {
    const raw = resolver.resolve(['AAPL'], {}, undefined);
    const explicitRaw = resolver.resolve(['AAPL'], { adjustment: 'raw' }, undefined);
    const all = resolver.resolve(['AAPL'], { adjustment: 'all' }, undefined);
    const split = resolver.resolve(['AAPL'], { adjustment: 'split' }, undefined);
    expect(raw.selection.adjustment).toBeUndefined();
    expect(explicitRaw.selection.adjustment).toBeUndefined();
    expect(explicitRaw.fingerprint).toBe(raw.fingerprint);
    expect(all.selection.adjustment).toBe('all');
    expect(new Set([raw.fingerprint, all.fingerprint, split.fingerprint]).size).toBe(3);
  });
});

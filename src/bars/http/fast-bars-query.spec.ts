import { createValidationPipe } from '../../common/validation';
import { BarsQueryDto } from './bars-query.dto';
import { fastBarsQuery } from './fast-bars-query';

/** What the global ValidationPipe makes of a query: the DTO's fields, or 'rejected'. */
async function throughPipe(query: Record<string, unknown>): Promise<object | 'rejected'> {
  try {
    const dto = (await createValidationPipe().transform(
      { ...query },
      { type: 'query', metatype: BarsQueryDto, data: undefined },
    )) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined));
  } catch {
    return 'rejected';
  }
}

/** Candidate values per parameter: valid spellings, near misses and junk. */
const VALUES: Record<string, unknown[]> = {
  timeframe: ['1m', '5m', '1d', '1mo', '1M', '2m', '', ' 1m', ['1m', '5m']],
  start: ['2024-01-02', '2024-01-02T14:30:00Z', '2024-01-02T14:30:00.123+05:30', '2023-02-29'],
  end: ['2024-12-31', '2024-13-45', '2024-01-02T24:00:00Z', 'yesterday', ''],
  limit: ['1', '10', '1000', '50000', '50001', '0', '-1', '007', '1e3', '1.5', ' 5', 'abc', ''],
  sort: ['asc', 'desc', 'ASC', 'up', ''],
  format: ['json', 'csv', 'xml', 'JSON'],
  cursor: ['eyJ2IjoxfQ', 'x'.repeat(512), 'x'.repeat(513), ''],
  validatedOnly: ['true', 'false', 'TRUE', '1', 'yes', ''],
  minQuality: ['0', '1', '0.85', '1.0', '1.5', '-0.1', '.5', '0.5e0', 'NaN', ''],
  include: ['quality', 'flags', ''],
  session: ['all', 'regular', 'extended', 'pre'],
  adjustment: ['raw', 'split', 'dividend', 'all', 'none'],
  symbols: ['AAPL'],
  limt: ['5'],
  __proto__x: ['1'],
};

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('fastBarsQuery', () => {
  it('accepts only what the ValidationPipe accepts, and reads it the same way', async () => {
    const next = random(20261123);
    const keys = Object.keys(VALUES);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const query: Record<string, unknown> = {};
      const count = Math.floor(next() * 5);
      for (let k = 0; k < count; k++) {
        const key = keys[Math.floor(next() * keys.length)];
        const pool = VALUES[key];
        query[key] = pool[Math.floor(next() * pool.length)];
      }
      const fast = fastBarsQuery(query);
      if (fast === undefined) continue;
      accepted++;
      expect({ query, result: await throughPipe(query) }).toEqual({ query, result: fast });
    }
    // The fast lane must actually take the common queries, or it is dead weight.
    expect(accepted).toBeGreaterThan(300);
  });

  it('reads the usual queries', () => {
    expect(
      fastBarsQuery({
        timeframe: '1m',
        start: '2024-03-04T15:00:00.000Z',
        end: '2024-03-05T15:00:00.000Z',
        limit: '1000',
      }),
    ).toEqual({
      timeframe: '1m',
      start: '2024-03-04T15:00:00.000Z',
      end: '2024-03-05T15:00:00.000Z',
      limit: 1000,
    });
    expect(fastBarsQuery({})).toEqual({});
    expect(fastBarsQuery({ validatedOnly: 'true', minQuality: '0.9', include: 'quality' })).toEqual(
      { validatedOnly: true, minQuality: 0.9, include: 'quality' },
    );
  });

  it.each([
    ['an unknown parameter', { limt: '5' }],
    ['a repeated parameter', { limit: ['5', '6'] }],
    ['a limit out of range', { limit: '50001' }],
    ['an odd spelling of a valid limit', { limit: '007' }],
    ['an impossible date', { start: '2023-02-29' }],
    ['an unknown timeframe', { timeframe: '2m' }],
  ])('leaves %s to the ValidationPipe', (_what, query) => {
    expect(fastBarsQuery(query)).toBeUndefined();
  });
});

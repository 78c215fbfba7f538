import { JSON_MAX_DEPTH, JSON_MAX_KEYS, jsonLimitProblem } from './json-body-parser';

describe('jsonLimitProblem', () => {
  it('accepts ordinary bodies, brackets and colons inside strings included', () => {
    expect(jsonLimitProblem('{"symbols":["AAPL","X:BTCUSD"],"from":"2024-01-02"}')).toBeNull();
    expect(jsonLimitProblem(`{"name":"${'[{'.repeat(100)}\\"::"}`)).toBeNull();
    expect(jsonLimitProblem('[]')).toBeNull();
  });

  it('refuses nesting deeper than the limit, arrays or objects', () => {
    const depth = (n: number, open: string, close: string): string =>
      open.repeat(n) + close.repeat(n);
    expect(jsonLimitProblem(depth(JSON_MAX_DEPTH, '[', ']'))).toBeNull();
    expect(jsonLimitProblem(depth(JSON_MAX_DEPTH + 1, '[', ']'))).toMatch(/deeper than 32/);
    expect(jsonLimitProblem('{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000))).toMatch(
      /deeper than/,
    );
  });

  it('refuses more object keys than the limit, counted over the whole body', () => {
    const keys = (n: number): string =>
      `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`;
    expect(jsonLimitProblem(keys(JSON_MAX_KEYS))).toBeNull();
    expect(jsonLimitProblem(keys(JSON_MAX_KEYS + 1))).toMatch(/more than 1000 object keys/);
  });
});

import { describe, expect, it } from 'vitest';

import { DEFAULT_STATE, parseState, toSearch } from './url-state';

describe('URL state', () => {
  it('round-trips a chart selection', () => {
    const search =
      '?view=chart&symbol=X%3ABTCUSD&timeframe=1h&start=2024-01-02&end=2024-01-31&adjustment=split&session=regular';
    const state = parseState(search);
    expect(state.view).toBe('chart');
    expect(state.chart).toEqual({
      symbol: 'X:BTCUSD',
      timeframe: '1h',
      start: '2024-01-02',
      end: '2024-01-31',
      adjustment: 'split',
      session: 'regular',
    });
    expect(toSearch(state)).toBe(search);
  });

  it('leaves defaults out, so the plain page has a plain URL', () => {
    expect(toSearch(DEFAULT_STATE)).toBe('');
    expect(parseState('')).toEqual(DEFAULT_STATE);
  });

  it('upper-cases symbols as the API does', () => {
    expect(parseState('?symbol=brk.b').chart.symbol).toBe('BRK.B');
  });

  it('falls back to defaults for malformed values instead of failing', () => {
    const state = parseState(
      '?view=nope&symbol=%3Cscript%3E&timeframe=2m&start=2024-02-30&end=yesterday&adjustment=x&session=y&sort=evil',
    );
    expect(state).toEqual(DEFAULT_STATE);
  });

  it('keeps the symbols table filter and sort', () => {
    const state = parseState('?view=symbols&q=app&assetClass=stocks&sort=freshness&dir=desc');
    expect(state).toMatchObject({
      view: 'symbols',
      filter: 'app',
      assetClass: 'stocks',
      sort: 'freshness',
      descending: true,
    });
    expect(toSearch(state)).toBe('?view=symbols&q=app&assetClass=stocks&sort=freshness&dir=desc');
  });

  it('never carries an admin key', () => {
    const state = parseState('?view=admin&key=mdw_secret&apiKey=mdw_secret');
    expect(toSearch(state)).toBe('?view=admin');
  });
});

import { describe, expect, it } from 'vitest';

import type { DetailedSymbol } from '../api/types';
import { filterRows, sortRows, toSymbolRow } from './symbol-rows';

const symbol = (over: Partial<DetailedSymbol>): DetailedSymbol => ({
  symbol: 'AAPL',
  name: 'Apple Inc.',
  assetClass: 'stocks',
  exchange: 'XNAS',
  currency: 'USD',
  timeframes: ['1d', '1m'],
  active: true,
  coverage: [],
  ...over,
});

describe('symbols table rows', () => {
  const now = Date.parse('2024-03-05T12:00:00Z');
  const sessions = new Map([
    [
      'XNYS',
      ['2024-03-01', '2024-03-04'].map((date) => ({
        date,
        open: `${date}T14:30:00.000Z`,
        close: `${date}T21:00:00.000Z`,
      })),
    ],
  ]);

  it('sums coverage over timeframes and takes the worst freshness', () => {
    const row = toSymbolRow(
      symbol({
        coverage: [
          {
            timeframe: '1d',
            bars: 300,
            firstBarAt: '2023-01-03T05:00:00.000Z',
            lastBarAt: '2024-03-04T05:00:00.000Z',
            validatedPct: 100,
            openGaps: 1,
          },
          {
            timeframe: '1m',
            bars: 100,
            firstBarAt: '2024-03-01T14:30:00.000Z',
            lastBarAt: '2024-03-01T20:59:00.000Z',
            validatedPct: 80,
            openGaps: 2,
          },
        ],
      }),
      sessions,
      now,
    );
    expect(row.bars).toBe(400);
    expect(row.validatedPct).toBe(95);
    expect(row.openGaps).toBe(3);
    expect(row.firstBarAt).toBe('2023-01-03T05:00:00.000Z');
    expect(row.lastBarAt).toBe('2024-03-04T05:00:00.000Z');
    expect(row.series.map((s) => s.freshness)).toEqual(['healthy', 'warning']);
    expect(row.freshness).toBe('warning');
  });

  it('has no validated share and unknown freshness without bars', () => {
    const row = toSymbolRow(symbol({ coverage: [] }), sessions, now);
    expect(row.validatedPct).toBeNull();
    expect(row.freshness).toBe('unknown');
  });

  it('filters by symbol prefix or name substring and by asset class, sorts both ways', () => {
    const rows = [
      toSymbolRow(symbol({ symbol: 'MSFT', name: 'Microsoft' }), sessions, now),
      toSymbolRow(symbol({ symbol: 'AAPL', name: 'Apple Inc.' }), sessions, now),
      toSymbolRow(
        symbol({ symbol: 'X:BTCUSD', name: 'Bitcoin', assetClass: 'crypto' }),
        sessions,
        now,
      ),
    ];
    expect(filterRows(rows, 'ms', null).map((r) => r.symbol)).toEqual(['MSFT']);
    expect(filterRows(rows, 'inc', null).map((r) => r.symbol)).toEqual(['AAPL']);
    expect(filterRows(rows, '', 'crypto').map((r) => r.symbol)).toEqual(['X:BTCUSD']);
    expect(sortRows(rows, 'symbol', false).map((r) => r.symbol)).toEqual([
      'AAPL',
      'MSFT',
      'X:BTCUSD',
    ]);
    expect(sortRows(rows, 'assetClass', true).map((r) => r.symbol)).toEqual([
      'AAPL',
      'MSFT',
      'X:BTCUSD',
    ]);
  });
});

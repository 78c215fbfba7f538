import { describe, expect, it } from 'vitest';

import type { Bar } from '../api/types';
import { summarizeBars } from './bar-summary';

const bar = (timestamp: string, open: number, high: number, low: number, close: number): Bar => ({
  timestamp,
  open,
  high,
  low,
  close,
  volume: 10,
  vwap: null,
  trades: null,
});

describe('summarizeBars', () => {
  it('is null without bars', () => {
    expect(summarizeBars([])).toBeNull();
  });

  it('gives the first open, the last close, the range and the total volume', () => {
    const summary = summarizeBars([
      bar('2024-01-02T14:30:00.000Z', 100, 104, 99, 103),
      bar('2024-01-03T14:30:00.000Z', 103, 110, 95, 96),
      bar('2024-01-04T14:30:00.000Z', 96, 101, 97, 100.5),
    ]);
    expect(summary).toEqual({
      first: { timestamp: '2024-01-02T14:30:00.000Z', open: 100 },
      last: { timestamp: '2024-01-04T14:30:00.000Z', close: 100.5 },
      low: 95,
      high: 110,
      volume: 30,
    });
  });
});

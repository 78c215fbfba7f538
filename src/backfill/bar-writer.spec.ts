import type { Bar } from '../market/bar';
import { dedupeAscending, utcTimestamp } from './bar-writer';

describe('bar writer helpers', () => {
  it('formats instants exactly like toISOString, with or without milliseconds', () => {
    const instants = [
      Date.UTC(2024, 0, 2, 14, 30),
      Date.UTC(2024, 0, 2, 14, 30, 5, 7),
      Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      Date.UTC(2024, 1, 29, 0, 0, 0, 120),
      Date.UTC(2024, 0, 2, 9, 5, 1),
    ];
    for (const ms of instants) {
      const iso = new Date(ms).toISOString();
      expect(utcTimestamp(ms)).toBe(ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso);
    }
  });

  it('sorts bars and keeps the later of two with the same timestamp', () => {
    const bar = (ts: number, close: number): Bar => ({
      ts,
      open: 1,
      high: 1,
      low: 1,
      close,
      volume: 1,
      vwap: null,
      trades: null,
    });
    expect(dedupeAscending([bar(2, 1), bar(1, 1), bar(2, 3)]).map((b) => [b.ts, b.close])).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });
});

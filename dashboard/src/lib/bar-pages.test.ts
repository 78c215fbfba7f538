import { describe, expect, it } from 'vitest';

import type { Bar, BarsPage } from '../api/types';
import { loadAllPages } from './bar-pages';

const bar = (i: number): Bar => ({
  timestamp: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
  open: 1,
  high: 1,
  low: 1,
  close: 1,
  volume: 1,
  vwap: null,
  trades: null,
});

/** A fake server: `total` bars in pages of `size`, the cursor being the next index. */
function pages(total: number, size: number) {
  const cursors: (string | undefined)[] = [];
  const fetchPage = async (cursor: string | undefined): Promise<BarsPage> => {
    cursors.push(cursor);
    const from = cursor ? Number(cursor) : 0;
    const to = Math.min(total, from + size);
    return {
      symbol: 'AAPL',
      timeframe: '1m',
      start: '',
      end: '',
      count: to - from,
      bars: Array.from({ length: to - from }, (_, i) => bar(from + i)),
      nextCursor: to < total ? String(to) : null,
    };
  };
  return { fetchPage, cursors };
}

describe('loading a range through nextCursor', () => {
  it('follows cursors until the last page and keeps every bar once, in order', async () => {
    const server = pages(12, 5);
    const seen: number[] = [];
    const result = await loadAllPages(server.fetchPage, (n) => seen.push(n));
    expect(server.cursors).toEqual([undefined, '5', '10']);
    expect(result.pages).toBe(3);
    expect(result.truncated).toBe(false);
    expect(result.bars.map((b) => b.timestamp)).toEqual(
      Array.from({ length: 12 }, (_, i) => bar(i).timestamp),
    );
    expect(seen).toEqual([5, 10, 12]);
  });

  it('stops at the cap and says the range holds more', async () => {
    const server = pages(100, 10);
    const result = await loadAllPages(server.fetchPage, undefined, 25);
    expect(result.bars).toHaveLength(30);
    expect(result.truncated).toBe(true);
  });

  it('passes a failing page on to the caller', async () => {
    await expect(loadAllPages(async () => Promise.reject(new Error('HTTP 500')))).rejects.toThrow(
      'HTTP 500',
    );
  });
});

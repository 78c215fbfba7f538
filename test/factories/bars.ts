import { DataSource } from 'typeorm';

import { VALIDATED_THRESHOLD } from '../../src/quality/bar-quality.rules';

export interface TestBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  trades: number | null;
  qualityScore?: number;
  flags?: string[];
}

/**
 * Inserts bars with one multi-row INSERT per chunk, bypassing the writer (test-only: the app
 * writes through BarWriter). Does not notify: tests that need invalidation notify themselves.
 */
export async function insertBars(
  dataSource: DataSource,
  symbol: string,
  timeframe: '1m' | '1d',
  bars: TestBar[],
): Promise<void> {
  for (let i = 0; i < bars.length; i += 2000) {
    const chunk = bars.slice(i, i + 2000);
    await dataSource.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades,
                         source, quality_score, flags, validated)
       SELECT $1, $2, to_timestamp(t / 1000.0), o, h, l, c, v, w, n, 'test', q, f, q >= ${VALIDATED_THRESHOLD}
         FROM unnest($3::bigint[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
                     $8::float8[], $9::float8[], $10::bigint[], $11::real[], $12::text[])
              AS u(t, o, h, l, c, v, w, n, q, fj),
              LATERAL (SELECT ARRAY(SELECT json_array_elements_text(fj::json)) AS f) fl`,
      [
        symbol,
        timeframe,
        chunk.map((b) => b.ts),
        chunk.map((b) => b.open),
        chunk.map((b) => b.high),
        chunk.map((b) => b.low),
        chunk.map((b) => b.close),
        chunk.map((b) => b.volume),
        chunk.map((b) => b.vwap),
        chunk.map((b) => b.trades),
        chunk.map((b) => b.qualityScore ?? 1),
        chunk.map((b) => JSON.stringify(b.flags ?? [])),
      ],
    );
  }
}

/** Deterministic pseudo-random walk (seeded), so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** One bar every `stepMs` from `fromMs` (count of them), prices with 2-4 decimals. */
export function makeBars(
  fromMs: number,
  count: number,
  stepMs: number,
  options: { seed?: number; fractionalVolume?: boolean; missingVwapEvery?: number } = {},
): TestBar[] {
  const random = seededRandom(options.seed ?? 1);
  const bars: TestBar[] = [];
  let price = 100;
  for (let i = 0; i < count; i++) {
    const open = round(price, 4);
    const close = round(price * (1 + (random() - 0.5) * 0.01), 4);
    const high = round(Math.max(open, close) + random() * 0.5, 2);
    const low = round(Math.min(open, close) - random() * 0.5, 3);
    const volume = options.fractionalVolume
      ? round(random() * 10, 6)
      : 1000 + Math.floor(random() * 9000);
    const missing = options.missingVwapEvery && i % options.missingVwapEvery === 0;
    bars.push({
      ts: fromMs + i * stepMs,
      open,
      high,
      low,
      close,
      volume,
      vwap: missing ? null : round((open + close + high + low) / 4, 4),
      trades: missing ? null : 10 + Math.floor(random() * 100),
    });
    price = close;
  }
  return bars;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

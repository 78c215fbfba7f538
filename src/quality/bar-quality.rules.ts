/**
 * Validation on write: every stored bar gets a quality score in 0..1 and
 * the flags that explain it; `validated` means score >= 0.85.
 *
 * Score = 1 - the sum of the penalties of the flags raised, floored at 0. The weights are chosen
 * so that any broken OHLC relation or one statistical anomaly on price fails validation, while a
 * volume spike alone (common on news days, index rebalances) only lowers the score:
 *
 * | flag                   | penalty | rule |
 * |------------------------|---------|------|
 * | non_positive_price     | 1.00    | any of open/high/low/close <= 0, or not finite |
 * | negative_volume        | 0.50    | volume < 0 |
 * | high_below_low         | 0.50    | high < low |
 * | high_below_open_close  | 0.30    | high < max(open, close) |
 * | low_above_open_close   | 0.30    | low > min(open, close) |
 * | extreme_move           | 0.20    | |close / previous close - 1| above 25 % (1d) or 8 % (1m), or the bar's own range (high-low)/low above 50 % (1d) / 10 % (1m) |
 * | price_gap              | 0.20    | |open / previous close - 1| above 10 % (1d) or 3 % (1m), unless they are separated by a non-trading stretch (weekend, holiday, overnight: more than 36 h for 1d, more than 1 h for 1m) |
 *
 * A split executed between a bar and the one before it exempts the bar from both comparisons
 * with the previous close (extreme move and price gap); stored bars are raw, not split-adjusted.
 * | volume_anomaly         | 0.10    | volume above 10x the series median (stored tail + batch), judged once at least 10 volumes are known and the median is positive |
 */
export type QualityFlag =
  | 'non_positive_price'
  | 'negative_volume'
  | 'high_below_low'
  | 'high_below_open_close'
  | 'low_above_open_close'
  | 'extreme_move'
  | 'price_gap'
  | 'volume_anomaly';

export const FLAG_PENALTIES: Readonly<Record<QualityFlag, number>> = {
  non_positive_price: 1,
  negative_volume: 0.5,
  high_below_low: 0.5,
  high_below_open_close: 0.3,
  low_above_open_close: 0.3,
  extreme_move: 0.2,
  price_gap: 0.2,
  volume_anomaly: 0.1,
};

export const VALIDATED_THRESHOLD = 0.85;

interface Thresholds {
  extremeMove: number;
  extremeRange: number;
  priceGap: number;
  /** Longer than this between two bars means a non-trading stretch lies between them. */
  continuousMs: number;
}

const THRESHOLDS: Record<BaseTimeframe, Thresholds> = {
  '1d': { extremeMove: 0.25, extremeRange: 0.5, priceGap: 0.1, continuousMs: 36 * 3_600_000 },
  '1m': { extremeMove: 0.08, extremeRange: 0.1, priceGap: 0.03, continuousMs: 3_600_000 },
};

const VOLUME_ANOMALY_FACTOR = 10;
const MIN_VOLUMES_FOR_MEDIAN = 10;

/** What the series looked like before the batch: one query per batch provides it. */
export interface SeriesContext {
  timeframe: BaseTimeframe;
  /** The stored bar just before the batch's first bar, if any. */
  previous: { ts: number; close: number } | null;
  /** Volumes of the most recent stored bars before the batch. */
  tailVolumes: number[];
  /** Split execution instants near the batch (ms): the execution day's exchange-local midnight. */
  splitTimes: number[];
}

export interface BarQuality {
  score: number;
  flags: QualityFlag[];
}

/** Most bars are clean: they share one frozen result instead of allocating their own. */
const CLEAN: BarQuality = Object.freeze({ score: 1, flags: Object.freeze([]) as unknown as [] });

/**
 * Scores a batch in ascending time order; each bar is judged against the one before it. This
 * runs for every ingested bar, so it avoids per-bar allocations on the clean path.
 */
export function scoreBars(bars: readonly Bar[], context: SeriesContext): BarQuality[] {
  const limits = THRESHOLDS[context.timeframe];
  const median = medianVolume(context.tailVolumes, bars);
  const volumeLimit = median === null ? Infinity : median * VOLUME_ANOMALY_FACTOR;
  const splits = context.splitTimes;
  let prevTs = context.previous ? context.previous.ts : NaN;
  let prevClose = context.previous ? context.previous.close : NaN;
  const results = new Array<BarQuality>(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i];
    const flags = ohlcFlags(bar);
    const range = bar.low > 0 ? (bar.high - bar.low) / bar.low : 0;
    // A split between the two bars explains any jump from the previous close.
    const comparable =
      prevClose > 0 &&
      (flags === null || !flags.includes('non_positive_price')) &&
      (splits.length === 0 || !splitBetween(splits, prevTs, bar.ts));
    const move = comparable ? Math.abs(bar.close / prevClose - 1) : 0;
    let extra: QualityFlag[] | null = null;
    if (move > limits.extremeMove || range > limits.extremeRange) {
      (extra ??= []).push('extreme_move');
    }
    if (
      comparable &&
      Math.abs(bar.open / prevClose - 1) > limits.priceGap &&
      bar.ts - prevTs <= limits.continuousMs
    ) {
      (extra ??= []).push('price_gap');
    }
    if (bar.volume > volumeLimit) (extra ??= []).push('volume_anomaly');
    prevTs = bar.ts;
    prevClose = bar.close;
    const all = flags === null ? extra : extra === null ? flags : flags.concat(extra);
    results[i] = all === null ? CLEAN : { score: scoreOf(all), flags: all };
  }
  return results;
}

export function scoreOf(flags: readonly QualityFlag[]): number {
  const penalty = flags.reduce((sum, flag) => sum + FLAG_PENALTIES[flag], 0);
  // Two decimals: the score is stored as `real`, and the CHECK compares it with 0.85.
  return Math.max(0, Math.round((1 - penalty) * 100) / 100);
}

/** The OHLC-constraint flags of a bar, or null when it has none (the common case). */
function ohlcFlags(bar: Bar): QualityFlag[] | null {
  const { open, high, low, close } = bar;
  const bad = (price: number): boolean => !(price > 0) || price === Infinity;
  let flags: QualityFlag[] | null = null;
  if (bad(open) || bad(high) || bad(low) || bad(close)) (flags ??= []).push('non_positive_price');
  if (bar.volume < 0) (flags ??= []).push('negative_volume');
  if (high < low) (flags ??= []).push('high_below_low');
  if (high < open || high < close) (flags ??= []).push('high_below_open_close');
  if (low > open || low > close) (flags ??= []).push('low_above_open_close');
  return flags;
}

function splitBetween(splitTimes: readonly number[], fromTs: number, toTs: number): boolean {
  // A split applies from its execution day's local midnight (pre-market included): the bar
  // after that instant is the first on the new basis.
  return splitTimes.some((time) => time > fromTs && time <= toTs);
}

function medianVolume(tail: readonly number[], bars: readonly Bar[]): number | null {
  const volumes = new Float64Array(tail.length + bars.length);
  let n = 0;
  for (const volume of tail) if (volume >= 0 && volume !== Infinity) volumes[n++] = volume;
  for (const bar of bars) if (bar.volume >= 0 && bar.volume !== Infinity) volumes[n++] = bar.volume;
  if (n < MIN_VOLUMES_FOR_MEDIAN) return null;
  const usable = volumes.subarray(0, n).sort();
  const middle = n >> 1;
  const median = n % 2 === 1 ? usable[middle] : (usable[middle - 1] + usable[middle]) / 2;
  return median > 0 ? median : null;
}
import type { Bar } from '../market/bar';
import type { BaseTimeframe } from '../market/timeframes';

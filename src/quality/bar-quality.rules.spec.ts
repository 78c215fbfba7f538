import type { Bar } from '../market/bar';
import { scoreBars, scoreOf, SeriesContext, VALIDATED_THRESHOLD } from './bar-quality.rules';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 5); // a Tuesday

function bar(overrides: Partial<Bar> = {}): Bar {
  return {
    ts: T0,
    open: 100,
    high: 101,
    low: 99,
    close: 100.5,
    volume: 1000,
    vwap: 100.2,
    trades: 50,
    ...overrides,
  };
}

const daily: SeriesContext = { timeframe: '1d', previous: null, tailVolumes: [], splitTimes: [] };
const afterClose = (close: number, ts = T0 - DAY): SeriesContext => ({
  ...daily,
  previous: { ts, close },
});

function flagsOf(b: Bar, context: SeriesContext = daily): string[] {
  return scoreBars([b], context)[0].flags;
}

describe('bar quality rules', () => {
  it('gives a clean bar a perfect score and no flags', () => {
    expect(scoreBars([bar()], afterClose(100))).toEqual([{ score: 1, flags: [] }]);
  });

  it('flags a high below the open or close', () => {
    expect(flagsOf(bar({ high: 100.2 }))).toEqual(['high_below_open_close']);
  });

  it('flags a low above the open or close', () => {
    expect(flagsOf(bar({ low: 100.3 }))).toEqual(['low_above_open_close']);
  });

  it('flags a high below the low', () => {
    expect(flagsOf(bar({ high: 98, low: 99, open: 98.5, close: 98.5 }))).toContain(
      'high_below_low',
    );
  });

  it('gives a non-positive price a score of 0', () => {
    const [result] = scoreBars([bar({ low: 0 })], daily);
    expect(result.flags).toContain('non_positive_price');
    expect(result.score).toBe(0);
  });

  it('flags a close-to-close move beyond the daily limit', () => {
    expect(flagsOf(bar({ open: 100, high: 131, low: 99, close: 130 }), afterClose(100))).toEqual([
      'extreme_move',
    ]);
  });

  it('uses the tighter minute limit for minute bars', () => {
    const context: SeriesContext = {
      ...daily,
      timeframe: '1m',
      previous: { ts: T0 - 60_000, close: 100 },
    };
    expect(flagsOf(bar({ open: 100, high: 110, low: 100, close: 109 }), context)).toContain(
      'extreme_move',
    );
  });

  it('flags an opening gap against the previous close of the day before', () => {
    expect(flagsOf(bar({ open: 115, high: 116, low: 114, close: 115 }), afterClose(100))).toEqual([
      'price_gap',
    ]);
  });

  it('does not flag a gap across a weekend or holiday', () => {
    const context = afterClose(100, T0 - 4 * DAY);
    expect(flagsOf(bar({ open: 115, high: 116, low: 114, close: 115 }), context)).toEqual([]);
  });

  it('does not flag a gap explained by a split between the two bars', () => {
    const context = { ...afterClose(400), splitTimes: [Date.UTC(2024, 0, 2)] };
    expect(flagsOf(bar(), context)).toEqual([]);
    expect(flagsOf(bar(), afterClose(400))).toEqual(['extreme_move', 'price_gap']);
  });

  it('flags volume far above the series median once the median is known', () => {
    const context = { ...daily, tailVolumes: Array(20).fill(1000) };
    expect(flagsOf(bar({ volume: 50_000 }), context)).toEqual(['volume_anomaly']);
    expect(flagsOf(bar({ volume: 50_000 }), daily)).toEqual([]);
  });

  it('judges each bar of a batch against the bar before it', () => {
    const bars = [bar(), bar({ ts: T0 + DAY, open: 120, high: 121, low: 119, close: 120 })];
    const results = scoreBars(bars, afterClose(100));
    expect(results[0].flags).toEqual([]);
    expect(results[1].flags).toEqual(['price_gap']);
  });

  it('keeps a volume spike alone validated but fails any price anomaly', () => {
    expect(scoreOf(['volume_anomaly'])).toBeGreaterThanOrEqual(VALIDATED_THRESHOLD);
    expect(scoreOf(['price_gap'])).toBeLessThan(VALIDATED_THRESHOLD);
    expect(scoreOf(['extreme_move'])).toBeLessThan(VALIDATED_THRESHOLD);
    expect(scoreOf(['high_below_open_close', 'low_above_open_close', 'high_below_low'])).toBe(0);
  });
});

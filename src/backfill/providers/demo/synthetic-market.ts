import { AssetClass } from '../../../market/asset-classes';
import { Bar } from '../../../market/bar';
import { BaseTimeframe } from '../../../market/timeframes';
import { addDays, daysBetween } from '../../../quality';
import { calendarFor } from '../../../quality';
import { ExchangeCalendar } from '../../../quality';
import { hashString, SeededRandom } from './seeded-random';

const MINUTE_MS = 60_000;
const EPOCH_DATE = '1990-01-01';

export interface SyntheticOptions {
  /** Stocks only: also 04:00–09:30 and close–20:00 New York minutes. */
  extendedHours?: boolean;
}

/** Which symbols split, and when: the synthetic raw prices follow it. */
export interface SplitSchedule {
  /** Whether the symbol ever splits (its share volume then follows its price level). */
  splits(symbol: string): boolean;
  /**
   * `splitTo / splitFrom` of a split executing on the calendar date (2 for a 2-for-1 split), 1
   * when none. Applied before that day's first minute.
   */
  ratioOn(symbol: string, date: string): number;
}

const NO_SPLITS: SplitSchedule = { splits: () => false, ratioOn: () => 1 };

interface SymbolModel {
  symbol: string;
  basePrice: number;
  dailyVolume: number;
  dailySigma: number;
  /** Log close price per calendar day since EPOCH_DATE, extended lazily. */
  logCloses: number[];
  walk: SeededRandom;
  /** Whether splits may apply (share volume then follows the price level). */
  splits: boolean;
}

/**
 * Deterministic synthetic market data: a mean-reverting random walk of daily closes per symbol,
 * and each session's minutes as a Brownian bridge from that day's open to its close, so the same
 * (symbol, day) always gives the same bars, any window can be generated without its history, and
 * daily bars are exactly the aggregate of the session's minutes. Bars follow the exchange
 * calendar: no stock bars on weekends or holidays, minutes only inside sessions.
 *
 * Bars are raw, as an exchange prints them: on a split's execution date the price drops by the
 * split ratio (the walk is of raw prices; mean reversion brings a split stock back up over the
 * following months, as a stock that splits after growing does) and the share volume of a split
 * symbol follows its price level, so its dollar volume, not its share count, stays steady.
 */
export class SyntheticMarket {
  private readonly models = new Map<string, SymbolModel>();

  constructor(private readonly schedule: SplitSchedule = NO_SPLITS) {}

  /** Bars with `fromMs <= ts < toMs`, ascending, generated one day at a time. */
  *bars(
    symbol: string,
    assetClass: AssetClass,
    timeframe: BaseTimeframe,
    fromMs: number,
    toMs: number,
    options: SyntheticOptions = {},
  ): Generator<Bar> {
    const calendar = calendarFor(assetClass);
    const firstDate = calendar.dateOf(new Date(fromMs));
    const lastDate = calendar.dateOf(new Date(toMs));
    const days = daysBetween(firstDate, lastDate);
    for (let i = 0; i <= days; i += 1) {
      const date = addDays(firstDate, i);
      const dayBars =
        timeframe === '1d'
          ? [this.dailyBar(symbol, assetClass, date)].filter((b): b is Bar => b !== null)
          : this.minuteBars(symbol, assetClass, date, options);
      for (const bar of dayBars) {
        if (bar.ts >= fromMs && bar.ts < toMs) yield bar;
      }
    }
  }

  /** The day's bar, stamped at midnight in the exchange's time zone; null when closed. */
  dailyBar(symbol: string, assetClass: AssetClass, date: string): Bar | null {
    const calendar = calendarFor(assetClass);
    const minutes = this.minuteBars(symbol, assetClass, date, {});
    if (minutes.length === 0) return null;
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    let notional = 0;
    let trades = 0;
    for (const bar of minutes) {
      if (bar.high > high) high = bar.high;
      if (bar.low < low) low = bar.low;
      volume += bar.volume;
      notional += (bar.vwap as number) * bar.volume;
      trades += bar.trades as number;
    }
    const decimals = assetClass === 'stocks' ? 0 : 6;
    const vwap = Math.min(high, Math.max(low, round(notional / volume, 4)));
    return {
      ts: calendar.startOfDay(date).getTime(),
      open: minutes[0].open,
      high,
      low,
      close: minutes[minutes.length - 1].close,
      volume: round(volume, decimals),
      vwap,
      trades,
    };
  }

  /** The session's minute bars (regular session, plus extended hours when asked). */
  minuteBars(
    symbol: string,
    assetClass: AssetClass,
    date: string,
    options: SyntheticOptions,
  ): Bar[] {
    const calendar = calendarFor(assetClass);
    const session = calendar.session(date);
    if (!session) return [];
    const model = this.model(symbol, assetClass);
    let start = session.open.getTime();
    let end = session.close.getTime();
    const regularStart = start;
    const regularEnd = end;
    if (options.extendedHours && assetClass === 'stocks') {
      start = calendar.startOfDay(date).getTime() + 4 * 60 * MINUTE_MS;
      end = calendar.startOfDay(date).getTime() + 20 * 60 * MINUTE_MS;
    }
    const count = Math.round((end - start) / MINUTE_MS);
    const random = new SeededRandom(hashString(`${symbol}|${date}`));
    const previousClose = this.logClose(model, addDays(date, -1));
    const logOpen =
      previousClose - Math.log(this.schedule.ratioOn(symbol, date)) + random.gaussian() * 0.002;
    const logClose = this.logClose(model, date);
    // Brownian bridge: a free walk, then the straight line from its end to the target removed.
    const sigma = model.dailySigma / Math.sqrt(count);
    const walk = new Float64Array(count + 1);
    for (let i = 1; i <= count; i += 1) walk[i] = walk[i - 1] + random.gaussian() * sigma;
    const decimals = priceDecimals(assetClass, Math.exp(logClose));
    const volumeScale = model.splits ? model.basePrice / Math.exp(logOpen) : 1;
    const volumeDecimals = assetClass === 'stocks' ? 0 : 6;
    const bars = new Array<Bar>(count);
    for (let i = 0; i < count; i += 1) {
      const ts = start + i * MINUTE_MS;
      const at = (k: number) =>
        Math.exp(logOpen + walk[k] - (k / count) * (walk[count] - (logClose - logOpen)));
      const open = round(at(i), decimals);
      const close = round(at(i + 1), decimals);
      const wiggle = Math.abs(random.gaussian()) * sigma * 0.6;
      const high = Math.max(open, close, round(Math.max(open, close) * (1 + wiggle), decimals));
      const low = Math.max(
        10 ** -decimals,
        Math.min(open, close, round(Math.min(open, close) * (1 - wiggle), decimals)),
      );
      const x = (ts - regularStart) / Math.max(1, regularEnd - regularStart);
      const inRegular = ts >= regularStart && ts < regularEnd;
      const shape = inRegular ? 0.6 + 1.6 * (2 * x - 1) ** 2 : 0.05;
      const noise = Math.exp(random.gaussian() * 0.4);
      const minuteShare =
        (model.dailyVolume * volumeScale) / ((regularEnd - regularStart) / MINUTE_MS);
      const volume = Math.max(
        assetClass === 'stocks' ? 1 : 0.000001,
        round(minuteShare * shape * noise, volumeDecimals),
      );
      const vwap = Math.min(high, Math.max(low, round((open + high + low + close) / 4, 4)));
      const tradeSize = assetClass === 'stocks' ? 120 : 5_000 / close;
      bars[i] = {
        ts,
        open,
        high,
        low,
        close,
        volume,
        vwap,
        trades: Math.max(1, Math.round(volume / tradeSize)),
      };
    }
    return bars;
  }

  private model(symbol: string, assetClass: AssetClass): SymbolModel {
    const key = `${assetClass}|${symbol}`;
    let model = this.models.get(key);
    if (!model) {
      const hash = hashString(symbol);
      const crypto = assetClass === 'crypto';
      model = {
        basePrice: crypto ? cryptoBasePrice(symbol, hash) : 20 + (hash % 480),
        dailyVolume: crypto ? 500 + (hash % 5_000) : 1_000_000 + (hash % 40_000_000),
        dailySigma: crypto ? 0.03 : 0.015,
        logCloses: [],
        walk: new SeededRandom(hash),
        symbol,
        splits: this.schedule.splits(symbol),
      };
      model.logCloses.push(Math.log(model.basePrice));
      this.models.set(key, model);
    }
    return model;
  }

  private logClose(model: SymbolModel, date: string): number {
    const index = Math.max(0, daysBetween(EPOCH_DATE, date));
    const anchor = Math.log(model.basePrice);
    while (model.logCloses.length <= index) {
      const previous = model.logCloses[model.logCloses.length - 1];
      // Mean reversion keeps decades of walk within a plausible band around the base price.
      const step = model.walk.gaussian() * model.dailySigma - 0.01 * (previous - anchor);
      const date = addDays(EPOCH_DATE, model.logCloses.length);
      model.logCloses.push(previous + step - Math.log(this.schedule.ratioOn(model.symbol, date)));
    }
    return model.logCloses[index];
  }
}

/** The calendar a synthetic symbol follows (same rules as gap detection). */
export function syntheticCalendar(assetClass: AssetClass): ExchangeCalendar {
  return calendarFor(assetClass);
}

function cryptoBasePrice(symbol: string, hash: number): number {
  if (symbol.includes('BTC')) return 40_000;
  if (symbol.includes('ETH')) return 2_500;
  return 1 + (hash % 100);
}

function priceDecimals(assetClass: AssetClass, price: number): number {
  if (assetClass === 'forex') return 5;
  return price < 1 ? 4 : 2;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

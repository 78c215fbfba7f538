import { addDays, daysBetween } from '../../../quality/calendars/calendar-dates';
import { calendarFor } from '../../../quality/calendars/calendar-for';
import { ExchangeCalendar } from '../../../quality/calendars/exchange-calendar';
import { AssetClass, BaseTimeframe, ProviderBar } from '../market-data-provider';
import { hashString, SeededRandom } from './seeded-random';

const MINUTE_MS = 60_000;
const EPOCH_DATE = '1990-01-01';

export interface SyntheticOptions {
  /** Stocks only: also 04:00–09:30 and close–20:00 New York minutes. */
  extendedHours?: boolean;
}

interface SymbolModel {
  basePrice: number;
  dailyVolume: number;
  dailySigma: number;
  /** Log close price per calendar day since EPOCH_DATE, extended lazily. */
  logCloses: number[];
  walk: SeededRandom;
}

/**
 * Deterministic synthetic market data: a mean-reverting random walk of daily closes per symbol,
 * and each session's minutes as a Brownian bridge from that day's open to its close, so the same
 * (symbol, day) always gives the same bars, any window can be generated without its history, and
 * daily bars are exactly the aggregate of the session's minutes. Bars follow the exchange
 * calendar: no stock bars on weekends or holidays, minutes only inside sessions.
 */
export class SyntheticMarket {
  private readonly models = new Map<string, SymbolModel>();

  /** Bars with `fromMs <= ts < toMs`, ascending, generated one day at a time. */
  *bars(
    symbol: string,
    assetClass: AssetClass,
    timeframe: BaseTimeframe,
    fromMs: number,
    toMs: number,
    options: SyntheticOptions = {},
  ): Generator<ProviderBar> {
    const calendar = calendarFor(assetClass);
    const firstDate = calendar.dateOf(new Date(fromMs));
    const lastDate = calendar.dateOf(new Date(toMs));
    const days = daysBetween(firstDate, lastDate);
    for (let i = 0; i <= days; i += 1) {
      const date = addDays(firstDate, i);
      const dayBars =
        timeframe === '1d'
          ? [this.dailyBar(symbol, assetClass, date)].filter((b): b is ProviderBar => b !== null)
          : this.minuteBars(symbol, assetClass, date, options);
      for (const bar of dayBars) {
        if (bar.ts >= fromMs && bar.ts < toMs) yield bar;
      }
    }
  }

  /** The day's bar, stamped at midnight in the exchange's time zone; null when closed. */
  dailyBar(symbol: string, assetClass: AssetClass, date: string): ProviderBar | null {
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
  ): ProviderBar[] {
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
    const logOpen = this.logClose(model, addDays(date, -1)) + random.gaussian() * 0.002;
    const logClose = this.logClose(model, date);
    // Brownian bridge: a free walk, then the straight line from its end to the target removed.
    const sigma = model.dailySigma / Math.sqrt(count);
    const walk = new Float64Array(count + 1);
    for (let i = 1; i <= count; i += 1) walk[i] = walk[i - 1] + random.gaussian() * sigma;
    const decimals = priceDecimals(assetClass, Math.exp(logClose));
    const volumeDecimals = assetClass === 'stocks' ? 0 : 6;
    const bars = new Array<ProviderBar>(count);
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
      const minuteShare = model.dailyVolume / ((regularEnd - regularStart) / MINUTE_MS);
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
      model.logCloses.push(previous + step);
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

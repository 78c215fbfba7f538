import { Bar } from '../../../market/bar';
import { addDays } from '../../../quality';
import { calendarFor } from '../../../quality';
import {
  BarsRequest,
  MarketDataProvider,
  ProviderDividend,
  ProviderSplit,
} from '../market-data-provider';
import { UpstreamError } from '../upstream.error';
import { hashString } from './seeded-random';
import { SyntheticMarket } from './synthetic-market';

const MINUTE_MS = 60_000;

export interface DemoProviderOptions {
  now?: () => number;
  pageSize?: number;
}

/**
 * The demo data source used when no Polygon key is configured: deterministic synthetic bars
 * (SyntheticMarket) on the real exchange calendars, labelled `synthetic`, no network. Like a real
 * source it never returns a bar that has not finished yet (the live edge).
 */
export class DemoProvider implements MarketDataProvider {
  readonly name = 'synthetic';
  private readonly market = new SyntheticMarket();
  private readonly now: () => number;
  private readonly pageSize: number;

  constructor(options: DemoProviderOptions = {}) {
    this.now = options.now ?? Date.now;
    this.pageSize = options.pageSize ?? 10_000;
  }

  /** Same window convention as Polygon: the UTC dates of from/to, as whole exchange days. */
  async *getBars(request: BarsRequest): AsyncIterable<Bar[]> {
    const calendar = calendarFor(request.assetClass);
    const fromMs = calendar.startOfDay(request.from.toISOString().slice(0, 10)).getTime();
    const toMs = calendar.startOfDay(addDays(request.to.toISOString().slice(0, 10), 1)).getTime();
    const now = this.now();
    let page: Bar[] = [];
    for (const bar of this.market.bars(
      request.symbol,
      request.assetClass,
      request.timeframe,
      fromMs,
      toMs,
    )) {
      if (!this.isFinished(bar, request, now)) break;
      page.push(bar);
      if (page.length >= this.pageSize) {
        this.throwIfAborted(request.signal);
        yield page;
        page = [];
      }
    }
    this.throwIfAborted(request.signal);
    if (page.length > 0) yield page;
  }

  /** No splits: the synthetic raw bars contain none, so reporting one would mis-adjust them. */
  async getSplits(): Promise<ProviderSplit[]> {
    return [];
  }

  /** Quarterly dividends for about half of the stock symbols, from 2015 to this year. */
  async getDividends(symbol: string): Promise<ProviderDividend[]> {
    if (symbol.includes(':') || hashString(symbol) % 2 === 1) return [];
    const calendar = calendarFor('stocks');
    const lastYear = new Date(this.now()).getUTCFullYear();
    const bar = this.market.dailyBar(symbol, 'stocks', '2015-01-02');
    const cash = Math.max(0.01, Math.round((bar?.close ?? 50) * 0.004 * 100) / 100);
    const dividends: ProviderDividend[] = [];
    for (let year = 2015; year <= lastYear; year += 1) {
      for (const month of ['02', '05', '08', '11']) {
        let exDate = `${year}-${month}-15`;
        while (!calendar.isSessionDate(exDate)) exDate = addDays(exDate, 1);
        if (calendar.startOfDay(exDate).getTime() > this.now()) continue;
        dividends.push({
          exDividendDate: exDate,
          payDate: addDays(exDate, 14),
          recordDate: addDays(exDate, 1),
          declarationDate: addDays(exDate, -28),
          cashAmount: cash,
          currency: 'USD',
          dividendType: 'CD',
          frequency: 4,
        });
      }
    }
    return dividends;
  }

  private isFinished(bar: Bar, request: BarsRequest, now: number): boolean {
    if (request.timeframe === '1m') return bar.ts + MINUTE_MS <= now;
    const calendar = calendarFor(request.assetClass);
    const session = calendar.session(calendar.dateOf(new Date(bar.ts)));
    return session !== null && session.close.getTime() <= now;
  }

  private throwIfAborted(signal?: AbortSignal): void {
    if (signal?.aborted) {
      throw new UpstreamError('aborted', 'Synthetic data request aborted', false, null, this.name);
    }
  }
}

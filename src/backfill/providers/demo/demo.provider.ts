import { Bar } from '../../../market/bar';
import { addDays } from '../../../quality';
import { calendarFor } from '../../../quality';
import {
  BarsRequest,
  CorporateActionsRequest,
  MarketDataProvider,
  ProviderDividend,
  ProviderSplit,
} from '../market-data-provider';
import { UpstreamError } from '../upstream.error';
import {
  DEMO_SPLIT_SCHEDULE,
  DEMO_SPLITTING_SYMBOL,
  demoSplitDates,
} from './demo-corporate-actions';
import { hashString } from './seeded-random';
import { SyntheticMarket } from './synthetic-market';

const MINUTE_MS = 60_000;

export interface DemoProviderOptions {
  now?: () => number;
  pageSize?: number;
}

/**
 * The demo data source used when no Polygon key is configured: deterministic synthetic bars
 * (SyntheticMarket) on the real exchange calendars, labelled `synthetic`, no network, with the
 * corporate actions of demo-corporate-actions.ts. Like a real source it never returns a bar that
 * has not finished yet (the live edge).
 */
export class DemoProvider implements MarketDataProvider {
  readonly name = 'synthetic';
  private readonly market = new SyntheticMarket(DEMO_SPLIT_SCHEDULE);
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
      // Stock minutes with pre- and post-market, as Polygon's minute aggregates have them.
      { extendedHours: true },
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

  /** NVDA's yearly 2-for-1 split, which its synthetic raw bars contain; no other splits. */
  async getSplits(request: CorporateActionsRequest): Promise<ProviderSplit[]> {
    if (request.symbol !== DEMO_SPLITTING_SYMBOL) return [];
    const today = calendarFor('stocks').dateOf(new Date(this.now()));
    return demoSplitDates(today).map((executionDate) => ({
      executionDate,
      splitFrom: 1,
      splitTo: 2,
      adjustmentType: 'forward_split',
    }));
  }

  /**
   * Quarterly dividends since 2015 for about half of the stock symbols (NVDA among them): a
   * quarter of a percent of the previous session's close, so a split halves the payout as it
   * would a real one.
   */
  async getDividends(request: CorporateActionsRequest): Promise<ProviderDividend[]> {
    const { symbol } = request;
    if (symbol.includes(':') || hashString(symbol) % 2 === 1) return [];
    const calendar = calendarFor('stocks');
    const lastYear = new Date(this.now()).getUTCFullYear();
    const dividends: ProviderDividend[] = [];
    for (let year = 2015; year <= lastYear; year += 1) {
      for (const month of ['02', '05', '08', '11']) {
        let exDate = `${year}-${month}-15`;
        while (!calendar.isSessionDate(exDate)) exDate = addDays(exDate, 1);
        if (calendar.startOfDay(exDate).getTime() > this.now()) continue;
        let previous = addDays(exDate, -1);
        while (!calendar.isSessionDate(previous)) previous = addDays(previous, -1);
        const close = this.market.dailyBar(symbol, 'stocks', previous)?.close ?? 50;
        dividends.push({
          exDividendDate: exDate,
          payDate: addDays(exDate, 14),
          recordDate: addDays(exDate, 1),
          declarationDate: addDays(exDate, -28),
          cashAmount: Math.max(0.01, Math.round(close * 0.0025 * 100) / 100),
          currency: 'USD',
          distributionType: 'recurring',
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

import { Bar } from '../../../market/bar';
import {
  BarsRequest,
  CorporateActionsRequest,
  MarketDataProvider,
  ProviderDividend,
  ProviderSplit,
} from '../market-data-provider';
import { UpstreamError } from '../upstream.error';
import { PolygonHttpClient } from './polygon-http.client';
import { checkAggregates, checkDividends, checkSplits, ShapeCheck } from './polygon-response';

const TIMESPAN = { '1m': 'minute', '1d': 'day' } as const;
/** The largest page Massive's reference endpoints allow. */
const REFERENCE_PAGE_LIMIT = 5000;

/**
 * Polygon.io (now Massive) aggregates and corporate actions. Bars are requested unadjusted (the
 * warehouse stores raw bars and adjusts on read) in ascending order, 50,000 per page, following
 * next_url.
 */
export class PolygonProvider implements MarketDataProvider {
  readonly name = 'polygon';

  constructor(
    readonly client: PolygonHttpClient,
    private readonly pageLimit = 50_000,
  ) {}

  /** Upstream health for metrics: breaker state, attempts and retries so far, budget use. */
  health(): ReturnType<PolygonHttpClient['stats']> {
    return this.client.stats();
  }

  /** Stops the breaker's cool-down timer; Nest calls this on shutdown. */
  beforeApplicationShutdown(): void {
    this.client.shutdown();
  }

  /**
   * `from`/`to` are sent as their UTC calendar dates, so the window widens to whole days (a
   * resumed series re-reads part of its last day; the writer's upsert makes that harmless).
   * Only non-empty pages are yielded: an empty window yields nothing.
   */
  async *getBars(request: BarsRequest): AsyncIterable<Bar[]> {
    const from = request.from.toISOString().slice(0, 10);
    const to = request.to.toISOString().slice(0, 10);
    const path =
      `/v2/aggs/ticker/${encodeTicker(request.symbol)}/range/1/${TIMESPAN[request.timeframe]}` +
      `/${from}/${to}`;
    const url = this.client.url(path, { adjusted: 'false', sort: 'asc', limit: this.pageLimit });
    let last = -Infinity;
    for await (const page of this.client.pages(url, checkAggregates, request.signal)) {
      if (page.rejected.length > 0) request.onRejected?.(page.rejected);
      const bars = page.items;
      if (bars.length === 0) continue;
      if (bars[0].ts <= last) {
        throw new UpstreamError(
          'malformed',
          `Polygon pages for ${request.symbol} ${request.timeframe} overlap or go back in time`,
          false,
        );
      }
      last = bars[bars.length - 1].ts;
      yield bars;
    }
  }

  /**
   * Massive's current splits endpoint (`/stocks/v1/splits`; `/v3/reference/splits` is
   * deprecated): the whole history of the ticker, 5,000 per page (the documented maximum),
   * oldest first, following next_url.
   */
  getSplits(request: CorporateActionsRequest): Promise<ProviderSplit[]> {
    return this.allPages('/stocks/v1/splits', 'execution_date.asc', checkSplits, request);
  }

  /** Massive's current cash dividends endpoint (`/stocks/v1/dividends`), likewise. */
  getDividends(request: CorporateActionsRequest): Promise<ProviderDividend[]> {
    return this.allPages('/stocks/v1/dividends', 'ex_dividend_date.asc', checkDividends, request);
  }

  private async allPages<T>(
    path: string,
    sort: string,
    check: ShapeCheck<T>,
    request: CorporateActionsRequest,
  ): Promise<T[]> {
    const url = this.client.url(path, {
      ticker: request.symbol,
      limit: REFERENCE_PAGE_LIMIT,
      sort,
    });
    const items: T[] = [];
    for await (const page of this.client.pages(url, check, request.signal)) {
      if (page.rejected.length > 0) request.onRejected?.(page.rejected);
      items.push(...page.items);
    }
    return items;
  }
}

/** Polygon writes crypto/forex tickers with a literal colon in the path (X:BTCUSD). */
function encodeTicker(symbol: string): string {
  return encodeURIComponent(symbol).replace(/%3A/gi, ':');
}

import { Injectable } from '@nestjs/common';

import { NotFoundError } from '../common/domain-error';
import { SeriesChanges } from '../common/series-changes';
import type { CashDividend, Split } from '../market/corporate-actions';
import { normaliseSymbol } from '../market/symbol';
import { BASE_TIMEFRAMES } from '../market/timeframes';
import { CorporateActionsRepository } from './corporate-actions.repository';
import { CorporateActionsDto } from './dto/corporate-actions.response';

/**
 * Stored splits and dividends: what a source reports is stored as is (raw bars are adjusted on
 * read), and served. A store that changes anything publishes every series of the symbol as
 * changed, so nothing derived from the actions (cached adjusted pages) outlives the change.
 */
@Injectable()
export class CorporateActionsService {
  constructor(
    private readonly repository: CorporateActionsRepository,
    private readonly changes: SeriesChanges,
  ) {}

  /** The symbol's splits become exactly `splits` (the source's whole history). */
  async storeSplits(symbol: string, splits: Split[], source: string): Promise<void> {
    this.published(symbol, await this.repository.replaceSplits(symbol, splits, source));
  }

  /** The symbol's cash dividends become exactly `dividends`. */
  async storeDividends(symbol: string, dividends: CashDividend[], source: string): Promise<void> {
    this.published(symbol, await this.repository.replaceDividends(symbol, dividends, source));
  }

  async get(rawSymbol: string): Promise<CorporateActionsDto> {
    const symbol = normaliseSymbol(rawSymbol);
    const stored = await this.repository.findBySymbol(symbol);
    if (!stored) throw new NotFoundError(`Unknown symbol ${symbol}.`);
    return {
      symbol,
      splits: stored.splits,
      dividends: stored.dividends.map(({ distributionType, ...dividend }) => ({
        exDividendDate: dividend.exDividendDate,
        payDate: dividend.payDate,
        cashAmount: dividend.cashAmount,
        currency: dividend.currency,
        type: distributionType,
        recordDate: dividend.recordDate,
        declarationDate: dividend.declarationDate,
        frequency: dividend.frequency,
      })),
    };
  }

  /** This process hears its own change right after the commit (others through NOTIFY). */
  private published(symbol: string, changed: number): void {
    if (changed === 0) return;
    for (const timeframe of BASE_TIMEFRAMES) this.changes.publish(symbol, timeframe);
  }
}

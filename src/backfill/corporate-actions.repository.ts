import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { SERIES_CHANGED_CHANNEL, SeriesChanges } from '../common/series-changes';
import { BASE_TIMEFRAMES } from '../market/timeframes';
import { timed } from '../metrics';
import type { ProviderDividend, ProviderSplit } from './providers/market-data-provider';

/**
 * Announces a changed symbol from inside the statement that changed it: every series of the
 * symbol (adjusted reads of both bases depend on its corporate actions), to other processes
 * through `bars_changed` (delivered when the statement commits) and in the `changed` column.
 */
const announce = (changedRows: string): string =>
  `SELECT count(*)::int AS changed,
          CASE WHEN count(*) > 0 THEN (SELECT count(pg_notify('${SERIES_CHANGED_CHANNEL}', $1 || ':' || tf))
                                         FROM unnest($4::text[]) tf) END AS notified
     FROM ${changedRows}`;

/**
 * Stores splits and dividends as the provider reports them (raw bars are adjusted on read). A
 * call that changes a stored action publishes the symbol's series as changed, so nothing derived
 * from them (cached adjusted pages) outlives the change.
 */
@Injectable()
export class CorporateActionsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: SeriesChanges,
  ) {}

  async upsertSplits(symbol: string, splits: ProviderSplit[], source: string): Promise<void> {
    if (splits.length === 0) return;
    const params = [symbol, JSON.stringify(splits), source, BASE_TIMEFRAMES];
    const rows: { changed: number }[] = await timed(
      'CorporateActionsRepository.upsertSplits',
      () =>
        this.dataSource.query(
          `WITH upserted AS (
             INSERT INTO splits (symbol, execution_date, split_from, split_to, source)
             SELECT $1, s."executionDate", s."splitFrom", s."splitTo", $3
               FROM jsonb_to_recordset($2::jsonb)
                      AS s("executionDate" date, "splitFrom" numeric, "splitTo" numeric)
             ON CONFLICT (symbol, execution_date) DO UPDATE
                SET split_from = EXCLUDED.split_from, split_to = EXCLUDED.split_to,
                    source = EXCLUDED.source
              WHERE (splits.split_from, splits.split_to)
                    IS DISTINCT FROM (EXCLUDED.split_from, EXCLUDED.split_to)
             RETURNING 1
           )
           ${announce('upserted')}`,
          params,
        ),
      params,
    );
    this.published(symbol, rows);
  }

  async upsertDividends(
    symbol: string,
    dividends: ProviderDividend[],
    source: string,
  ): Promise<void> {
    if (dividends.length === 0) return;
    const params = [symbol, JSON.stringify(dividends), source, BASE_TIMEFRAMES];
    const rows: { changed: number }[] = await timed(
      'CorporateActionsRepository.upsertDividends',
      () =>
        this.dataSource.query(
          `WITH upserted AS (
             INSERT INTO dividends (symbol, ex_dividend_date, pay_date, record_date,
                                    declaration_date, cash_amount, currency, dividend_type,
                                    frequency, source)
             SELECT DISTINCT ON (d."exDividendDate", d."dividendType")
                    $1, d."exDividendDate", d."payDate", d."recordDate", d."declarationDate",
                    d."cashAmount", d.currency, d."dividendType", d.frequency, $3
               FROM jsonb_to_recordset($2::jsonb)
                      AS d("exDividendDate" date, "payDate" date, "recordDate" date,
                           "declarationDate" date, "cashAmount" numeric, currency text,
                           "dividendType" text, frequency int)
             ON CONFLICT (symbol, ex_dividend_date, dividend_type) DO UPDATE
                SET pay_date = EXCLUDED.pay_date, record_date = EXCLUDED.record_date,
                    declaration_date = EXCLUDED.declaration_date,
                    cash_amount = EXCLUDED.cash_amount, currency = EXCLUDED.currency,
                    frequency = EXCLUDED.frequency, source = EXCLUDED.source
              -- A refresh that brings nothing new changes nothing (and announces nothing).
              WHERE (dividends.pay_date, dividends.record_date, dividends.declaration_date,
                     dividends.cash_amount, dividends.currency, dividends.frequency,
                     dividends.source)
                    IS DISTINCT FROM
                    (EXCLUDED.pay_date, EXCLUDED.record_date, EXCLUDED.declaration_date,
                     EXCLUDED.cash_amount, EXCLUDED.currency, EXCLUDED.frequency,
                     EXCLUDED.source)
             RETURNING 1
           )
           ${announce('upserted')}`,
          params,
        ),
      params,
    );
    this.published(symbol, rows);
  }

  /** This process hears its own change right after the commit. */
  private published(symbol: string, rows: { changed: number }[]): void {
    if (!rows[0]?.changed) return;
    for (const timeframe of BASE_TIMEFRAMES) this.changes.publish(symbol, timeframe);
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { SERIES_CHANGED_CHANNEL } from '../common/series-changes';
import type { CashDividend, Split } from '../market/corporate-actions';
import { BASE_TIMEFRAMES } from '../market/timeframes';
import { timed } from '../metrics';

/**
 * Counts the rows a statement changed and, when there are any, announces every series of the
 * symbol (adjusted reads of both bases depend on its corporate actions) to other processes
 * through `bars_changed`, delivered when the statement commits.
 */
const announce = (changedRows: string): string =>
  `SELECT count(*)::int AS changed,
          CASE WHEN count(*) > 0 THEN (SELECT count(pg_notify('${SERIES_CHANGED_CHANNEL}', $1 || ':' || tf))
                                         FROM unnest($3::text[]) tf) END AS notified
     FROM ${changedRows}`;

export interface StoredCorporateActions {
  splits: Split[];
  dividends: CashDividend[];
}

/** All SQL about stored splits and dividends. */
@Injectable()
export class CorporateActionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Makes the symbol's stored splits exactly `splits` (the source's whole history): new ones
   * inserted, corrected ones updated, withdrawn ones deleted, in one statement. Returns how many
   * rows changed (0: the refresh brought nothing new, and nothing was announced).
   */
  async replaceSplits(symbol: string, splits: Split[], source: string): Promise<number> {
    const params = [symbol, JSON.stringify(splits), BASE_TIMEFRAMES, source];
    const rows: { changed: number }[] = await timed(
      'CorporateActionsRepository.replaceSplits',
      () =>
        this.dataSource.query(
          `WITH incoming AS (
             SELECT DISTINCT ON (s."executionDate") s.*
               FROM jsonb_to_recordset($2::jsonb)
                      AS s("executionDate" date, "splitFrom" numeric, "splitTo" numeric,
                           "adjustmentType" text)
           ), upserted AS (
             INSERT INTO splits (symbol, execution_date, split_from, split_to, adjustment_type,
                                 source)
             SELECT $1, i."executionDate", i."splitFrom", i."splitTo", i."adjustmentType", $4
               FROM incoming i
             ON CONFLICT (symbol, execution_date) DO UPDATE
                SET split_from = EXCLUDED.split_from, split_to = EXCLUDED.split_to,
                    adjustment_type = EXCLUDED.adjustment_type, source = EXCLUDED.source
              WHERE (splits.split_from, splits.split_to, splits.adjustment_type, splits.source)
                    IS DISTINCT FROM
                    (EXCLUDED.split_from, EXCLUDED.split_to, EXCLUDED.adjustment_type,
                     EXCLUDED.source)
             RETURNING 1
           ), removed AS (
             DELETE FROM splits s
              WHERE s.symbol = $1
                AND NOT EXISTS (SELECT 1 FROM incoming i WHERE i."executionDate" = s.execution_date)
             RETURNING 1
           )
           ${announce('(SELECT 1 FROM upserted UNION ALL SELECT 1 FROM removed) changed')}`,
          params,
        ),
      params,
    );
    return rows[0]?.changed ?? 0;
  }

  /** Makes the symbol's stored cash dividends exactly `dividends`, likewise. */
  async replaceDividends(
    symbol: string,
    dividends: CashDividend[],
    source: string,
  ): Promise<number> {
    const params = [symbol, JSON.stringify(dividends), BASE_TIMEFRAMES, source];
    const rows: { changed: number }[] = await timed(
      'CorporateActionsRepository.replaceDividends',
      () =>
        this.dataSource.query(
          `WITH incoming AS (
             SELECT DISTINCT ON (d."exDividendDate", d."distributionType") d.*
               FROM jsonb_to_recordset($2::jsonb)
                      AS d("exDividendDate" date, "payDate" date, "recordDate" date,
                           "declarationDate" date, "cashAmount" numeric, currency text,
                           "distributionType" text, frequency int)
           ), upserted AS (
             INSERT INTO dividends (symbol, ex_dividend_date, pay_date, record_date,
                                    declaration_date, cash_amount, currency, distribution_type,
                                    frequency, source)
             SELECT $1, i."exDividendDate", i."payDate", i."recordDate", i."declarationDate",
                    i."cashAmount", i.currency, i."distributionType", i.frequency, $4
               FROM incoming i
             ON CONFLICT (symbol, ex_dividend_date, distribution_type) DO UPDATE
                SET pay_date = EXCLUDED.pay_date, record_date = EXCLUDED.record_date,
                    declaration_date = EXCLUDED.declaration_date,
                    cash_amount = EXCLUDED.cash_amount, currency = EXCLUDED.currency,
                    frequency = EXCLUDED.frequency, source = EXCLUDED.source
              WHERE (dividends.pay_date, dividends.record_date, dividends.declaration_date,
                     dividends.cash_amount, dividends.currency, dividends.frequency,
                     dividends.source)
                    IS DISTINCT FROM
                    (EXCLUDED.pay_date, EXCLUDED.record_date, EXCLUDED.declaration_date,
                     EXCLUDED.cash_amount, EXCLUDED.currency, EXCLUDED.frequency,
                     EXCLUDED.source)
             RETURNING 1
           ), removed AS (
             DELETE FROM dividends d
              WHERE d.symbol = $1
                AND NOT EXISTS (SELECT 1 FROM incoming i
                                 WHERE i."exDividendDate" = d.ex_dividend_date
                                   AND i."distributionType" = d.distribution_type)
             RETURNING 1
           )
           ${announce('(SELECT 1 FROM upserted UNION ALL SELECT 1 FROM removed) changed')}`,
          params,
        ),
      params,
    );
    return rows[0]?.changed ?? 0;
  }

  /** The symbol's stored actions, oldest first; null when the symbol is unknown. */
  async findBySymbol(symbol: string): Promise<StoredCorporateActions | null> {
    const rows: { known: boolean; splits: Split[]; dividends: CashDividend[] }[] = await timed(
      'CorporateActionsRepository.findBySymbol',
      () =>
        this.dataSource.query(
          `SELECT
             (SELECT coalesce(json_agg(json_build_object(
                       'executionDate', s.execution_date, 'splitFrom', s.split_from::float8,
                       'splitTo', s.split_to::float8, 'adjustmentType', s.adjustment_type)
                     ORDER BY s.execution_date), '[]')
                FROM splits s WHERE s.symbol = y.symbol) AS splits,
             (SELECT coalesce(json_agg(json_build_object(
                       'exDividendDate', d.ex_dividend_date, 'payDate', d.pay_date,
                       'recordDate', d.record_date, 'declarationDate', d.declaration_date,
                       'cashAmount', d.cash_amount::float8, 'currency', d.currency,
                       'distributionType', d.distribution_type, 'frequency', d.frequency)
                     ORDER BY d.ex_dividend_date, d.distribution_type), '[]')
                FROM dividends d WHERE d.symbol = y.symbol) AS dividends
           FROM symbols y WHERE y.symbol = $1`,
          [symbol],
        ),
    );
    return rows[0] ? { splits: rows[0].splits, dividends: rows[0].dividends } : null;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { timed } from '../metrics/instruments';
import type { ProviderDividend, ProviderSplit } from './providers/market-data-provider';

/** Stores splits and dividends as the provider reports them; stored bars stay unadjusted. */
@Injectable()
export class CorporateActionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsertSplits(symbol: string, splits: ProviderSplit[], source: string): Promise<void> {
    if (splits.length === 0) return;
    const params = [symbol, JSON.stringify(splits), source];
    await timed(
      'CorporateActionsRepository.upsertSplits',
      () =>
        this.dataSource.query(
          `INSERT INTO splits (symbol, execution_date, split_from, split_to, source)
           SELECT $1, s."executionDate", s."splitFrom", s."splitTo", $3
             FROM jsonb_to_recordset($2::jsonb)
                    AS s("executionDate" date, "splitFrom" numeric, "splitTo" numeric)
           ON CONFLICT (symbol, execution_date) DO UPDATE
              SET split_from = EXCLUDED.split_from, split_to = EXCLUDED.split_to,
                  source = EXCLUDED.source
            WHERE (splits.split_from, splits.split_to)
                  IS DISTINCT FROM (EXCLUDED.split_from, EXCLUDED.split_to)`,
          params,
        ),
      params,
    );
  }

  async upsertDividends(
    symbol: string,
    dividends: ProviderDividend[],
    source: string,
  ): Promise<void> {
    if (dividends.length === 0) return;
    const params = [symbol, JSON.stringify(dividends), source];
    await timed(
      'CorporateActionsRepository.upsertDividends',
      () =>
        this.dataSource.query(
          `INSERT INTO dividends (symbol, ex_dividend_date, pay_date, record_date,
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
                  frequency = EXCLUDED.frequency, source = EXCLUDED.source`,
          params,
        ),
      params,
    );
  }
}

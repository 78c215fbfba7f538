import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Corporate actions as Massive's current endpoints (`/stocks/v1/splits`, `/stocks/v1/dividends`)
 * describe them: a split's `adjustment_type` (forward_split, reverse_split, stock_dividend) and a
 * dividend's `distribution_type` (recurring, special, supplemental, irregular, unknown) instead
 * of the deprecated endpoint's `dividend_type` codes (CD regular, SC special, LT/ST capital
 * gains). And a run's series can end with warnings (a corporate-actions request that failed
 * while its bars were stored), listed per series and counted per run.
 */
export class CorporateActionsMassive1732000000021 implements MigrationInterface {
  name = 'CorporateActionsMassive1732000000021';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE splits ADD COLUMN adjustment_type text NOT NULL DEFAULT 'forward_split'`,
    );
    await q.query(
      `UPDATE splits SET adjustment_type = 'reverse_split' WHERE split_from > split_to`,
    );
    await q.query(`ALTER TABLE dividends RENAME COLUMN dividend_type TO distribution_type`);
    await q.query(`ALTER TABLE dividends ALTER COLUMN distribution_type SET DEFAULT 'unknown'`);
    await q.query(
      `UPDATE dividends SET distribution_type = CASE distribution_type
         WHEN 'CD' THEN 'recurring' WHEN 'SC' THEN 'special' ELSE 'irregular' END`,
    );
    await q.query(
      `ALTER TABLE backfill_run_series ADD COLUMN warnings text[] NOT NULL DEFAULT '{}'`,
    );
    await q.query(`ALTER TABLE backfill_runs ADD COLUMN warnings integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE backfill_runs DROP COLUMN warnings`);
    await q.query(`ALTER TABLE backfill_run_series DROP COLUMN warnings`);
    await q.query(
      `UPDATE dividends SET distribution_type = CASE distribution_type
         WHEN 'special' THEN 'SC' ELSE 'CD' END`,
    );
    await q.query(`ALTER TABLE dividends ALTER COLUMN distribution_type SET DEFAULT 'CD'`);
    await q.query(`ALTER TABLE dividends RENAME COLUMN distribution_type TO dividend_type`);
    await q.query(`ALTER TABLE splits DROP COLUMN adjustment_type`);
  }
}

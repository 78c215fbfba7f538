import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bars dropped by the backfill because their values are impossible (negative volume, a
 * non-finite price) are counted per run and per series, beside fetched and written.
 */
export class BackfillRejectedBars1732000000019 implements MigrationInterface {
  name = 'BackfillRejectedBars1732000000019';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE backfill_runs ADD COLUMN bars_rejected bigint NOT NULL DEFAULT 0`);
    await q.query(
      `ALTER TABLE backfill_run_series ADD COLUMN bars_rejected bigint NOT NULL DEFAULT 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE backfill_run_series DROP COLUMN bars_rejected`);
    await q.query(`ALTER TABLE backfill_runs DROP COLUMN bars_rejected`);
  }
}

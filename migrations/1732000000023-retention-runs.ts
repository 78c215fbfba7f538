import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each pass of the minute-bar retention job did: its cutoff, how many bars and gap records
 * it deleted in how many series, and how it ended. A pass left `running` by a process that died
 * is marked `interrupted` by the next pass.
 */
export class RetentionRuns1732000000023 implements MigrationInterface {
  name = 'RetentionRuns1732000000023';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_runs (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        trigger       text NOT NULL CHECK (trigger IN ('schedule', 'cli')),
        status        text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
        cutoff        timestamptz NOT NULL,
        bars_deleted  bigint NOT NULL DEFAULT 0,
        series        integer NOT NULL DEFAULT 0,
        gaps_deleted  integer NOT NULL DEFAULT 0,
        error         text,
        started_at    timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz
      )`);
    await q.query(`CREATE INDEX retention_runs_started_idx ON retention_runs (started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE retention_runs`);
  }
}

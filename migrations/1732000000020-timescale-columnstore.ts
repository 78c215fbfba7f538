import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TimescaleDB 2.18 renamed native compression to the columnstore and deprecated the old calls
 * the hypertable migration makes. Where the server has the columnstore API, the compression
 * policy is declared again with it (`add_columnstore_policy`, same 30 days); the chunk settings
 * (segment by series, newest first) carry over unchanged. On an older TimescaleDB the compression
 * API stays as it is, and on plain PostgreSQL nothing happens.
 */
export class TimescaleColumnstore1732000000020 implements MigrationInterface {
  name = 'TimescaleColumnstore1732000000020';

  async up(q: QueryRunner): Promise<void> {
    if (!(await hasColumnstoreApi(q))) return;
    await q.query(`SELECT remove_compression_policy('bars', if_exists => true)`);
    await q.query(
      `CALL add_columnstore_policy('bars', after => INTERVAL '30 days', if_not_exists => true)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    if (!(await hasColumnstoreApi(q))) return;
    await q.query(`CALL remove_columnstore_policy('bars', if_exists => true)`);
    await q.query(
      `SELECT add_compression_policy('bars', INTERVAL '30 days', if_not_exists => true)`,
    );
  }
}

/** TimescaleDB is installed, `bars` is a hypertable, and the server has the columnstore calls. */
async function hasColumnstoreApi(q: QueryRunner): Promise<boolean> {
  const rows: unknown[] = await q.query(
    `SELECT 1 FROM pg_extension e
       JOIN pg_proc p ON p.pronamespace = e.extnamespace AND p.proname = 'add_columnstore_policy'
      WHERE e.extname = 'timescaledb'`,
  );
  return rows.length > 0;
}

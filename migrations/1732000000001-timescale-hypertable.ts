import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When TimescaleDB is installed on the server, `bars` becomes a hypertable (weekly chunks) with
 * native compression for chunks older than 30 days, segmented by series so a compressed chunk
 * still answers one series' range cheaply. On plain PostgreSQL this migration does nothing, and
 * the same schema runs unchanged.
 */
export class TimescaleHypertable1732000000001 implements MigrationInterface {
  name = 'TimescaleHypertable1732000000001';

  async up(q: QueryRunner): Promise<void> {
    if (!(await timescaleAvailable(q))) return;
    await q.query(`CREATE EXTENSION IF NOT EXISTS timescaledb`);
    await q.query(
      `SELECT create_hypertable('bars', 'ts', chunk_time_interval => INTERVAL '7 days', migrate_data => true)`,
    );
    await q.query(`
      ALTER TABLE bars SET (
        timescaledb.compress,
        timescaledb.compress_segmentby = 'symbol, timeframe',
        timescaledb.compress_orderby = 'ts DESC'
      )`);
    await q.query(`SELECT add_compression_policy('bars', INTERVAL '30 days')`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (!(await timescaleInstalled(q))) return;
    // A hypertable cannot be turned back in place: copy the rows into a plain table of the same
    // shape, then swap it in.
    await q.query(`SELECT remove_compression_policy('bars', if_exists => true)`);
    await q.query(`SELECT decompress_chunk(c, true) FROM show_chunks('bars') c`);
    await q.query(`CREATE TABLE bars_plain (LIKE bars INCLUDING ALL)`);
    await q.query(`INSERT INTO bars_plain SELECT * FROM bars ORDER BY symbol, timeframe, ts`);
    await q.query(`DROP TABLE bars`);
    await q.query(`ALTER TABLE bars_plain RENAME TO bars`);
  }
}

async function timescaleAvailable(q: QueryRunner): Promise<boolean> {
  const rows: unknown[] = await q.query(
    `SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`,
  );
  return rows.length > 0;
}

async function timescaleInstalled(q: QueryRunner): Promise<boolean> {
  const rows: unknown[] = await q.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
  return rows.length > 0;
}

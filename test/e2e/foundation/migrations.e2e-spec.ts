import { DataSource } from 'typeorm';

import { ALL_MIGRATIONS } from '../../../migrations';
import { AppConfig } from '../../../src/config/app-config';
import {
  buildDataSource,
  revertLastMigration,
  runMigrationsLocked,
} from '../../../src/database/data-source';
import { createTestDatabase, dropTestDatabase } from '../../support/test-database';

const TABLES = [
  'api_key_audit',
  'api_keys',
  'backfill_run_series',
  'backfill_runs',
  'bars',
  'data_gaps',
  'dividends',
  'retention_runs',
  'series_watermarks',
  'splits',
  'symbols',
];

describe('migrations', () => {
  let url: string;
  let ds: DataSource;

  beforeAll(async () => {
    url = await createTestDatabase('migrations');
    ds = buildDataSource(url, AppConfig.fromEnv({}));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropTestDatabase(url);
  });

  async function tables(): Promise<string[]> {
    const rows: { table_name: string }[] = await ds.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
    );
    return rows.map((r) => r.table_name);
  }

  it('go up, all the way down, and up again', async () => {
    expect(await runMigrationsLocked(ds)).toHaveLength(ALL_MIGRATIONS.length);
    expect(await tables()).toEqual(TABLES);

    for (let i = 0; i < ALL_MIGRATIONS.length; i++) await revertLastMigration(ds);
    expect(await tables()).toEqual([]);
    expect(await ds.showMigrations()).toBe(true);

    expect(await runMigrationsLocked(ds)).toHaveLength(ALL_MIGRATIONS.length);
    expect(await tables()).toEqual(TABLES);
    expect(await ds.showMigrations()).toBe(false);
  });

  it('are a no-op when already applied, even from two processes at once', async () => {
    const other = buildDataSource(url, AppConfig.fromEnv({}));
    await other.initialize();
    try {
      const [a, b] = await Promise.all([runMigrationsLocked(ds), runMigrationsLocked(other)]);
      expect([...a, ...b]).toEqual([]);
    } finally {
      await other.destroy();
    }
  });

  it('key bars by (symbol, timeframe, ts)', async () => {
    const rows: { column_name: string }[] = await ds.query(`
      SELECT a.attname AS column_name FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = 'bars'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`);
    expect(rows.map((r) => r.column_name)).toEqual(['symbol', 'timeframe', 'ts']);
  });

  it('make the audit log append-only', async () => {
    await ds.query(`INSERT INTO api_key_audit (action, details) VALUES ('test.entry', '{}')`);
    await expect(ds.query(`UPDATE api_key_audit SET action = 'changed'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(ds.query(`DELETE FROM api_key_audit`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE api_key_audit`)).rejects.toThrow(/append-only/);
    const [{ count }] = await ds.query(`SELECT count(*)::int AS count FROM api_key_audit`);
    expect(count).toBe(1);
  });
});

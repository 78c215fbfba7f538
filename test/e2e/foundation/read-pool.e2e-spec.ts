import { ReadPool } from '../../../src/database/read-pool';
import { startTestApp, TestApp } from '../../support/test-app';

describe('the bar-read pool', () => {
  let t: TestApp;
  let reads: ReadPool;

  beforeAll(async () => {
    t = await startTestApp();
    reads = t.app.get(ReadPool);
  });
  afterAll(() => t.close());

  it('keeps generic plans for its prepared statements (no re-planning per request)', async () => {
    const rows = await reads.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode', []);
    expect(rows[0].plan_cache_mode).toBe('force_generic_plan');
  });

  it('cannot write', async () => {
    const rows = await reads.query<{ transaction_read_only: string }>(
      'SHOW transaction_read_only',
      [],
    );
    expect(rows[0].transaction_read_only).toBe('on');
    await expect(
      reads.query(`INSERT INTO symbols (symbol, name) VALUES ('RO', 'read only')`, []),
    ).rejects.toThrow(/read-only transaction/);
  });

  it('is a separate pool from the TypeORM one (whose plans are left to PostgreSQL)', async () => {
    const rows: { plan_cache_mode: string }[] = await t.dataSource.query('SHOW plan_cache_mode');
    expect(rows[0].plan_cache_mode).toBe('auto');
  });
});

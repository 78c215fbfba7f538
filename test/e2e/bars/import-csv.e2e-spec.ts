import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import request from 'supertest';

import { insertSymbols } from '../../factories/symbols';
import { CommandResult, ROOT, runNode } from '../../support/spawn-process';
import { startTestApp, TestApp } from '../../support/test-app';

const FIXTURES = path.join(ROOT, 'test/fixtures');

describe('import:csv', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The server keeps running while the CLI imports: its read cache must notice the writes.
    t = await startTestApp({ env: { CACHE_TTL_SECONDS: '300' } });
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }, { symbol: 'MSFT' }, { symbol: 'BIG' }]);
  });
  const tempDirs: string[] = [];
  afterAll(async () => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  /** A directory for this file's generated CSVs, removed after the tests. */
  function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-import-'));
    tempDirs.push(dir);
    return dir;
  }

  const cli = (...args: string[]): Promise<CommandResult> =>
    runNode('dist/cli.js', ['import:csv', ...args], {
      DATABASE_URL: t.databaseUrl,
      LOG_LEVEL: 'warn',
    });

  it('imports a good file, and the running server serves the new bars at once', async () => {
    const before = await request(t.url)
      .get('/api/v1/historical/AAPL?start=2024-01-01&end=2024-01-31')
      .expect(200);
    expect(before.body.count).toBe(0);
    const res = await cli(
      '--file',
      path.join(FIXTURES, 'aapl-1d.csv'),
      '--symbol',
      'aapl',
      '--timeframe',
      '1d',
      '--json',
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      symbol: 'AAPL',
      timeframe: '1d',
      rows: 5,
      accepted: 5,
      written: 5,
      rejected: [],
    });

    // Cross-process invalidation is a NOTIFY delivered after the CLI's commit: allow it to land.
    let after = await request(t.url).get('/api/v1/historical/AAPL?start=2024-01-01&end=2024-01-31');
    for (let i = 0; i < 100 && after.body.count !== 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await request(t.url).get('/api/v1/historical/AAPL?start=2024-01-01&end=2024-01-31');
    }
    expect(after.body.count).toBe(5);
    // Dates are the session's local midnight (New York), like Polygon's daily bars.
    expect(after.body.bars[0]).toEqual({
      timestamp: '2024-01-02T05:00:00.000Z',
      open: 187.15,
      high: 188.44,
      low: 183.885,
      close: 185.64,
      volume: 82488674,
      vwap: 185.9465,
      trades: 1009074,
    });
  });

  it('is idempotent: a second import writes nothing', async () => {
    const res = await cli(
      '--file',
      path.join(FIXTURES, 'aapl-1d.csv'),
      '--symbol',
      'AAPL',
      '--timeframe',
      '1d',
      '--json',
    );
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ rows: 5, accepted: 5, written: 0 });
  });

  it('reports rejected rows with line numbers and reasons, and stores the valid ones', async () => {
    const res = await cli(
      '--file',
      path.join(FIXTURES, 'msft-1m-with-errors.csv'),
      '--symbol',
      'MSFT',
      '--timeframe',
      '1m',
      '--json',
    );
    expect(res.code).toBe(1);
    const summary = JSON.parse(res.stdout);
    expect(summary).toMatchObject({ rows: 7, accepted: 3, written: 3 });
    expect(summary.rejected).toEqual([
      { line: 4, reason: expect.stringContaining('low "abc"') },
      { line: 5, reason: expect.stringContaining('2024-02-30T14:33:00Z') },
      { line: 6, reason: 'volume is negative' },
      { line: 7, reason: 'expected 8 fields, found 4' },
    ]);
    const bars = await request(t.url)
      .get('/api/v1/historical/MSFT?timeframe=1m&start=2024-01-02&end=2024-01-02')
      .expect(200);
    expect(bars.body.bars.map((b: { timestamp: string }) => b.timestamp)).toEqual([
      '2024-01-02T14:30:00.000Z',
      '2024-01-02T14:31:00.000Z',
      '2024-01-02T14:36:00.000Z',
    ]);
    expect(bars.body.bars[1].trades).toBeNull();
  });

  it('prints a summary and the rejected lines for people', async () => {
    const res = await cli(
      '--file',
      path.join(FIXTURES, 'msft-1m-with-errors.csv'),
      '--symbol',
      'MSFT',
      '--timeframe',
      '1m',
    );
    expect(res.stdout).toContain('MSFT 1m: 7 rows read, 3 accepted, 0 bars written, 4 rejected');
    expect(res.stderr).toContain('rejected line 4: low "abc" is not a number');
  });

  it('imports a larger file in several batches', async () => {
    const file = path.join(tempDir(), 'big.csv');
    const start = Date.UTC(2024, 2, 1);
    const lines = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 12_000; i++) lines.push(`${start + i * 60_000},10,11,9,10.5,${i + 1}`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const res = await cli('--file', file, '--symbol', 'BIG', '--timeframe', '1m', '--json');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ rows: 12_000, written: 12_000 });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM bars WHERE symbol = 'BIG'`,
    );
    expect(n).toBe(12_000);
  });

  it('refuses an unknown symbol and names symbols:add', async () => {
    const res = await cli(
      '--file',
      path.join(FIXTURES, 'aapl-1d.csv'),
      '--symbol',
      'NOPE',
      '--timeframe',
      '1d',
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('unknown symbol NOPE');
    expect(res.stderr).toContain('symbols:add');
  });

  it('refuses bad arguments with exit status 2', async () => {
    const tf = await cli(
      '--file',
      path.join(FIXTURES, 'aapl-1d.csv'),
      '--symbol',
      'AAPL',
      '--timeframe',
      '5m',
    );
    expect(tf.code).toBe(2);
    expect(tf.stderr).toContain('--timeframe');
    const missing = await cli('--symbol', 'AAPL', '--timeframe', '1d');
    expect(missing.code).toBe(2);
    const symbol = await cli('--file', 'x.csv', '--symbol', "A'B", '--timeframe', '1d');
    expect(symbol.code).toBe(2);
  });

  it('refuses a missing file and a file with an unknown header', async () => {
    const missing = await cli(
      '--file',
      '/nonexistent/file.csv',
      '--symbol',
      'AAPL',
      '--timeframe',
      '1d',
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'bad.csv'), 'date,o,h,l,c,v\n2024-01-02,1,1,1,1,1\n');
    const header = await cli(
      '--file',
      path.join(dir, 'bad.csv'),
      '--symbol',
      'AAPL',
      '--timeframe',
      '1d',
    );
    expect(header.code).toBe(1);
    expect(header.stderr).toContain('header must be timestamp,open,high,low,close,volume');
  });
});

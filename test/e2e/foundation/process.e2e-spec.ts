import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Client } from 'pg';
import request from 'supertest';

import { runNode, spawnServer } from '../../support/spawn-process';
import { createTestDatabase, dropTestDatabase } from '../../support/test-database';

/** No background work; info logs, because spawnServer waits for the "listening" line. */
const QUIET = { LOG_LEVEL: 'info', BACKFILL_ENABLED: 'false', DEMO_SEED: 'false' };

describe('start-up configuration errors', () => {
  it.each([
    ['API_PORT', 'eighty', 'API_PORT must be an integer from 0 to 65535 (got "eighty")'],
    [
      'BACKFILL_SCHEDULE_HOUR',
      '25',
      'BACKFILL_SCHEDULE_HOUR must be an integer from 0 to 23 (got "25")',
    ],
    ['DATABASE_URL', 'nonsense', 'DATABASE_URL must be a PostgreSQL URL'],
  ])('stops on a bad %s with one line naming it', async (name, value, message) => {
    const result = await runNode('dist/main.js', [], { [name]: value });
    expect(result.code).toBe(78);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Invalid configuration: ${message}`);
    expect(result.stdout).toBe('');
  });

  it('the CLI rejects a bad configuration the same way', async () => {
    const result = await runNode('dist/cli.js', ['migrate'], { LOG_LEVEL: 'loud' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('LOG_LEVEL must be one of');
  });
});

describe('the CLI', () => {
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase('cli');
  });
  afterAll(() => dropTestDatabase(url));

  it('migrates, reverts and migrates again', async () => {
    const env = { DATABASE_URL: url };
    const up = await runNode('dist/cli.js', ['migrate', '--json'], env);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout).applied.length).toBeGreaterThan(0);
    const down = await runNode('dist/cli.js', ['migrate:revert', '--json'], env);
    expect(down.code).toBe(0);
    expect(typeof JSON.parse(down.stdout).reverted).toBe('string');
    const again = await runNode('dist/cli.js', ['migrate', '--json'], env);
    expect(JSON.parse(again.stdout).applied).toEqual([JSON.parse(down.stdout).reverted]);
    const noop = await runNode('dist/cli.js', ['migrate'], env);
    expect(noop.stdout).toContain('nothing to apply');
  });

  it('prints usage and exits 2 on an unknown command or option', async () => {
    const unknown = await runNode('dist/cli.js', ['frobnicate'], { DATABASE_URL: url });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(unknown.stderr).toContain('usage: npm run cli');
    const badOption = await runNode('dist/cli.js', ['migrate', '--nope'], { DATABASE_URL: url });
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("unknown option '--nope'");
    expect(badOption.stderr).toContain('Usage:');
  });
});

describe('the embedded database', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-embedded-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  function embeddedPort(): number | undefined {
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    if (!fs.existsSync(pidFile)) return undefined;
    return Number(fs.readFileSync(pidFile, 'utf8').split('\n')[3]);
  }

  async function query<T>(sql: string): Promise<T[]> {
    const client = new Client({
      connectionString: `postgres://postgres:postgres@127.0.0.1:${embeddedPort()}/warehouse`,
    });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it('starts, lets the CLI attach, stops cleanly on SIGTERM and keeps its data', async () => {
    const env = { ...QUIET, DATA_DIR: dataDir };
    const first = await spawnServer(env);
    await request(first.url).get('/ready').expect(200);
    expect(embeddedPort()).toBeDefined();

    // A second process on the same DATA_DIR attaches instead of starting another server.
    const cli = await runNode('dist/cli.js', ['migrate', '--json'], env);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual({ applied: [] });
    await request(first.url).get('/ready').expect(200);

    await query(`INSERT INTO symbols (symbol, asset_class) VALUES ('KEEP', 'stocks')`);

    const stopped = await first.terminate('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = await spawnServer(env);
    try {
      await request(second.url).get('/ready').expect(200);
      const rows = await query<{ symbol: string }>(
        `SELECT symbol FROM symbols WHERE symbol = 'KEEP'`,
      );
      expect(rows).toEqual([{ symbol: 'KEEP' }]);
    } finally {
      expect((await second.terminate('SIGTERM')).code).toBe(0);
    }
  }, 120_000);
});

describe('several workers (API_WORKERS)', () => {
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase('workers');
  });
  afterAll(() => dropTestDatabase(url));

  it('serves from several worker processes and stops them all on SIGTERM', async () => {
    const server = await spawnServer({ ...QUIET, DATABASE_URL: url, API_WORKERS: '2' });
    try {
      for (let i = 0; i < 10; i++) await request(server.url).get('/ready').expect(200);
      const workers = fs
        .readFileSync(`/proc/${server.proc.pid}/task/${server.proc.pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      expect(workers).toHaveLength(2);
    } finally {
      const stopped = await server.terminate('SIGTERM');
      expect(stopped.code).toBe(0);
    }
  }, 60_000);
});

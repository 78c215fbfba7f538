import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import request from 'supertest';

import { cleanEnv, ROOT } from '../../support/spawn-process';
import { createTestDatabase, dropTestDatabase } from '../../support/test-database';

/**
 * Servers are often installed with NODE_ENV=production, which makes npm skip devDependencies.
 * `npm start` builds from source, so everything the build needs must be a runtime dependency.
 * This installs a copy of the working tree (what a fresh clone holds) that way and starts it.
 */
describe('NODE_ENV=production npm ci && npm start in a fresh copy', () => {
  let dir: string;
  let databaseUrl: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-prod-install-'));
    const files = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    for (const file of files.split('\0').filter(Boolean)) {
      if (!fs.existsSync(path.join(ROOT, file))) continue; // deleted, not yet committed
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
    }
    databaseUrl = await createTestDatabase('prodinstall');
  });

  afterAll(async () => {
    await dropTestDatabase(databaseUrl);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('installs without devDependencies and serves requests', async () => {
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      env: cleanEnv({ NODE_ENV: 'production' }),
      stdio: 'pipe',
    });
    // The proof that devDependencies were skipped: jest is one of them.
    expect(fs.existsSync(path.join(dir, 'node_modules/jest'))).toBe(false);

    const server = spawn('npm', ['start'], {
      cwd: dir,
      env: cleanEnv({
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        API_PORT: '0',
        API_HOST: '127.0.0.1',
        BACKFILL_ENABLED: 'false',
        DEMO_SEED: 'false',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so npm, the shell and node stop together.
      detached: true,
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line:\n${output}`)), 90_000);
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(Number(match[1]));
          }
        };
        server.stdout.on('data', onData);
        server.stderr.on('data', onData);
        void exited.then((code) => reject(new Error(`npm start exited ${code}:\n${output}`)));
      });
      expect(output).not.toContain('Cannot find module');
      const health = await request(`http://127.0.0.1:${port}`).get('/health');
      expect(health.status).toBe(200);
      const status = await request(`http://127.0.0.1:${port}`).get('/api/v1/status');
      expect(status.status).toBe(200);
    } finally {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
  });
});

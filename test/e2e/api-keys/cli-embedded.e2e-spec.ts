import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import request from 'supertest';

import { runNode, spawnServer } from '../../support/spawn-process';

const QUIET = { LOG_LEVEL: 'info', BACKFILL_ENABLED: 'false', DEMO_SEED: 'false' };

/**
 * `npm start` in one terminal, `npm run cli -- api-keys:create` in another: the CLI attaches to
 * the embedded PostgreSQL the running server started on the same DATA_DIR.
 */
describe('key and symbol commands beside a running server (embedded database)', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-cli-keys-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('mints a key the server accepts, adds a symbol, and revokes the key for the server at once', async () => {
    const env = { ...QUIET, DATA_DIR: dataDir };
    const server = await spawnServer(env);
    try {
      const created = await runNode(
        'dist/cli.js',
        ['api-keys:create', '--name', 'ops', '--scopes', 'admin', '--json'],
        env,
      );
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      const { id, key } = JSON.parse(created.stdout);
      await request(server.url).get('/api/v1/admin/api-keys').set('X-API-Key', key).expect(200);

      const added = await runNode(
        'dist/cli.js',
        ['symbols:add', '--symbol', 'spy', '--asset-class', 'stocks', '--timeframes', '1d'],
        env,
      );
      expect(added.code).toBe(0);
      const symbol = await request(server.url)
        .get('/api/v1/admin/symbols/SPY')
        .set('X-API-Key', key)
        .expect(200);
      expect(symbol.body).toMatchObject({ symbol: 'SPY', active: true, timeframes: ['1d'] });

      const revoked = await runNode('dist/cli.js', ['api-keys:revoke', '--id', id], env);
      expect(revoked.code).toBe(0);
      // Another process revoked it: the server refuses the key on the very next request.
      await request(server.url).get('/api/v1/admin/api-keys').set('X-API-Key', key).expect(401);
    } finally {
      expect((await server.terminate('SIGTERM')).code).toBe(0);
    }
  }, 120_000);
});

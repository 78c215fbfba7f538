import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.server';

/**
 * Once per test run: build dist/ (process-level tests spawn the real `node dist/main.js` and
 * `node dist/cli.js`) and start one throwaway real PostgreSQL in a temporary directory. Each e2e
 * file then creates its own fresh database on it.
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], {
    cwd: root,
    stdio: 'inherit',
  });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-test-pg-'));
  const server = new EmbeddedPostgresServer(dataDir);
  const connection = await server.start('postgres');
  process.env.MDW_TEST_ADMIN_URL = connection.url;
  process.env.MDW_TEST_PG_DIR = dataDir;
  (globalThis as { __MDW_TEST_SERVER__?: EmbeddedPostgresServer }).__MDW_TEST_SERVER__ = server;
}

import * as fs from 'node:fs';

import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __MDW_TEST_SERVER__?: EmbeddedPostgresServer })
    .__MDW_TEST_SERVER__;
  await server?.stop();
  const dataDir = process.env.MDW_TEST_PG_DIR;
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

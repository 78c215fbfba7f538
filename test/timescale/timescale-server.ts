import { spawn } from 'node:child_process';
import * as path from 'node:path';

import { freePort } from '../system/support/nginx';

/**
 * A real TimescaleDB for tests: PostgreSQL 17 with the TimescaleDB extension compiled to
 * WebAssembly (PGlite), speaking the wire protocol on a loopback port (pglite-server.js, run in
 * a process of its own). No Debian or Docker TimescaleDB is available here; this is the same
 * extension code the compose image runs.
 *
 * Limits that shape the tests: it serves one connection at a time (a second waits until the first
 * closes), and it has no background workers, so a policy's job is run by hand (`CALL run_job`).
 */
export interface TimescaleServer {
  url: string;
  close(): Promise<void>;
}

export async function startTimescale(): Promise<TimescaleServer> {
  const port = await freePort();
  const proc = spawn(process.execPath, [path.join(__dirname, 'pglite-server.js'), String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('ready\n')) resolve();
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`the TimescaleDB process exited:\n${output}`)));
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async close() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
    },
  };
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { DataSource } from 'typeorm';

import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.server';
import { insertBars, makeBars } from '../factories/bars';
import { insertSymbols } from '../factories/symbols';
import { withClient } from '../support/pg-client';
import { SpawnedServer, spawnServer } from '../support/spawn-process';
import { get } from './support/load-client';

/**
 * Item 5: PostgreSQL restarted (really stopped and started, on its own data directory) while the
 * app idles. The process survives (same PID), /health stays 200 throughout, /ready is 503 during
 * the outage and 200 within 5 s of PostgreSQL being back, and the next data request succeeds.
 */
describe('PostgreSQL restarted under an idle app', () => {
  let dataDir: string;
  let database: EmbeddedPostgresServer;
  let port: number;
  let app: SpawnedServer;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-restart-'));
    database = new EmbeddedPostgresServer(dataDir);
    const connection = await database.start('restart_test');
    port = connection.port;
    app = await spawnServer({
      DATABASE_URL: connection.url,
      // spawnServer waits for the 'listening on' line, logged at info.
      LOG_LEVEL: 'info',
      DEMO_SEED: 'false',
      BACKFILL_ENABLED: 'false',
      CACHE_TTL_SECONDS: '0',
    });
    await withClient(connection.url, async (client) => {
      const db = client as unknown as DataSource;
      await insertSymbols(db, [{ symbol: 'AAPL' }]);
      await insertBars(db, 'AAPL', '1d', makeBars(Date.UTC(2024, 0, 2), 20, 86_400_000));
    });
  });

  afterAll(async () => {
    await app?.terminate('SIGINT');
    await database?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the process, fails readiness during the outage and recovers within 5 s', async () => {
    const bars = `${app.url}/api/v1/historical/AAPL?timeframe=1d&start=2024-01-01`;
    expect((await get(bars, false)).status).toBe(200);
    const pid = app.proc.pid;

    await database.stop();
    expect((await get(`${app.url}/health`, false)).status).toBe(200);
    expect((await get(`${app.url}/ready`, false)).status).toBe(503);
    expect((await get(bars, false)).status).toBe(503);
    expect((await get(`${app.url}/health`, false)).status).toBe(200);

    database = new EmbeddedPostgresServer(dataDir, port);
    await database.start('restart_test');
    const back = performance.now();
    let readyAfter = Infinity;
    while (performance.now() - back < 5_000) {
      if ((await get(`${app.url}/ready`, false)).status === 200) {
        readyAfter = performance.now() - back;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    process.stdout.write(`database restart: /ready 200 again ${readyAfter.toFixed(0)} ms after\n`);
    expect(readyAfter).toBeLessThan(5_000);
    expect((await get(bars, false)).status).toBe(200);
    expect(app.proc.exitCode).toBeNull();
    expect(app.proc.pid).toBe(pid);
  });
});

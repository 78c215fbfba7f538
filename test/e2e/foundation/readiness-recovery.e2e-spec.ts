import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import request from 'supertest';

import { EmbeddedPostgresServer } from '../../../src/database/embedded-postgres.server';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * Readiness follows the database: it turns 503 when PostgreSQL goes away and 200 again when it
 * comes back, without restarting the app. This file runs its own server so it can stop it.
 */
describe('readiness when the database goes away and comes back', () => {
  let dataDir: string;
  let server: EmbeddedPostgresServer;
  let port: number;
  let t: TestApp;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-ready-'));
    server = new EmbeddedPostgresServer(dataDir);
    const connection = await server.start('ready_test');
    port = connection.port;
    t = await startTestApp({ databaseUrl: connection.url });
  });

  afterAll(async () => {
    await t?.app.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 200, then 503 with the failing check, then 200 again', async () => {
    await request(t.url).get('/ready').expect(200);

    await server.stop();
    const down = await request(t.url).get('/ready').expect(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.body.status).toBe(503);
    expect(down.body.checks.database.status).toBe('down');
    expect(down.body.detail).toContain('database');
    // Liveness never depends on the database.
    await request(t.url).get('/health').expect(200);

    server = new EmbeddedPostgresServer(dataDir, port);
    await server.start('ready_test');
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await request(t.url).get('/ready')).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
  });
});

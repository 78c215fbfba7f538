import { Client } from 'pg';
import request from 'supertest';

import { createApiKey } from '../../factories/api-keys';
import { SpawnedServer, spawnServer } from '../../support/spawn-process';
import { startTestApp, TestApp } from '../../support/test-app';

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  method?: string;
  thresholdMs?: number;
  route?: string;
  path?: string;
  status?: number;
  durationMs?: number;
  keyId?: string;
}

/**
 * The real build (dist/main.js) as a child process, so its stdout is exactly what an operator's
 * log collector would receive.
 */
describe('request logs and secrets', () => {
  let setup: TestApp;
  let server: SpawnedServer;
  let adminKey: { id: string; key: string };
  let readKey: { id: string; key: string };
  const forgedKey = 'mdw_' + 'Zq9'.repeat(12);
  let exposed: string[] = [];

  beforeAll(async () => {
    // The in-process app migrates a fresh database and mints real keys in it.
    setup = await startTestApp();
    adminKey = await createApiKey(setup.dataSource, { scopes: ['admin'] });
    readKey = await createApiKey(setup.dataSource, { scopes: ['read'] });
    server = await spawnServer({
      DATABASE_URL: setup.databaseUrl,
      LOG_LEVEL: 'info',
      BACKFILL_ENABLED: 'false',
      DEMO_SEED: 'false',
      METRICS_ALLOW: '10.0.0.0/8',
      SLOW_QUERY_MS: '50',
    });

    const api = request(server.url);
    await api.get('/health').set('X-Request-Id', 'probe-health').expect(200);
    await api.get('/ready').set('X-Request-Id', 'probe-ready').expect(200);
    await api
      .get('/api/v1/metrics')
      .set('X-API-Key', readKey.key)
      .set('X-Request-Id', 'keyed-read')
      .expect(200);
    await api.get('/api/v1/metrics').set('X-API-Key', forgedKey).expect(401);
    const scrape = await api
      .get('/metrics')
      .set('X-API-Key', adminKey.key)
      .set('X-Request-Id', 'keyed-scrape')
      .expect(200);
    const summary = await api.get('/api/v1/metrics').set('X-API-Key', adminKey.key).expect(200);
    await api.get(`/no-such-route?apiKey=${forgedKey}`).set('X-Request-Id', 'unmatched-1');
    exposed = [scrape.text, summary.text];

    // A lock held for a while makes the next data-totals query slow without any timing guess.
    const blocker = new Client({ connectionString: setup.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE data_gaps IN ACCESS EXCLUSIVE MODE');
    // supertest sends on then(): start the request now, while the lock is held.
    const blocked = api
      .get('/api/v1/metrics')
      .expect(200)
      .then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await blocker.query('COMMIT');
    await blocker.end();
    await blocked;
    await server.terminate();
  });
  afterAll(async () => {
    if (server && server.proc.exitCode === null) await server.terminate();
    await setup?.close();
  });

  function lines(): LogLine[] {
    return server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  }

  it('never shows a key in /metrics, /api/v1/metrics or the log output', () => {
    const output = server.output();
    expect(output.length).toBeGreaterThan(0);
    for (const secret of [adminKey.key, readKey.key, forgedKey]) {
      for (const text of [...exposed, output]) expect(text).not.toContain(secret);
    }
  });

  it('writes exactly one structured line per request, with route template and key id', () => {
    const scrape = lines().filter((l) => l.requestId === 'keyed-read');
    expect(scrape).toHaveLength(1);
    expect(scrape[0]).toMatchObject({
      msg: 'request completed',
      method: 'GET',
      route: '/api/v1/metrics',
      path: '/api/v1/metrics',
      status: 200,
      keyId: readKey.id,
    });
    expect(typeof scrape[0].durationMs).toBe('number');
  });

  it('logs unmatched paths without their query string', () => {
    const [line] = lines().filter((l) => l.requestId === 'unmatched-1');
    expect(line).toMatchObject({ route: 'unmatched', path: '/no-such-route', status: 404 });
  });

  it('keeps health, readiness and metrics probes out of the info log', () => {
    const ids = lines().map((l) => l.requestId);
    expect(ids).not.toContain('probe-health');
    expect(ids).not.toContain('probe-ready');
    expect(ids).not.toContain('keyed-scrape');
  });

  it('logs slow queries with their repository method and without secrets', () => {
    const slow = lines().filter(
      (l) => l.msg === 'slow query' && l.method === 'MetricsRepository.readDataTotals',
    );
    expect(slow.length).toBeGreaterThan(0);
    expect(slow[0]).toMatchObject({ level: 40, thresholdMs: 50 });
    expect((slow[0] as unknown as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(50);
  });
});

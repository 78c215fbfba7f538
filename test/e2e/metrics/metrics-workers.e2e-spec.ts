import * as http from 'node:http';

import { spawnServer } from '../../support/spawn-process';
import { createTestDatabase, dropTestDatabase } from '../../support/test-database';
import { parsePrometheusSamples } from './prometheus-samples';

/** One request on a connection of its own, so the cluster spreads them over the workers. */
function get(base: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(path, base), { agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('metrics with several workers (API_WORKERS=2)', () => {
  const REQUESTS = 40;
  const ROUTE = '/api/v1/calendar';
  let url: string;

  beforeAll(async () => {
    url = await createTestDatabase('metrics_workers');
  });
  afterAll(() => dropTestDatabase(url));

  it('report every worker’s requests, in /metrics and /api/v1/metrics, scrape after scrape', async () => {
    const server = await spawnServer({
      LOG_LEVEL: 'info',
      BACKFILL_ENABLED: 'false',
      DEMO_SEED: 'false',
      DATABASE_URL: url,
      API_WORKERS: '2',
    });
    try {
      // spawnServer returns at the first worker's "listening" line; wait for the second's.
      const deadline = Date.now() + 30_000;
      while ((server.output().match(/listening on http/g) ?? []).length < 2) {
        if (Date.now() > deadline)
          throw new Error(`one worker never listened:\n${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (let i = 0; i < REQUESTS; i++) {
        const res = await get(server.url, `${ROUTE}?exchange=XNYS&start=2024-01-02&end=2024-01-05`);
        expect(res.status).toBe(200);
      }
      // Both workers served some of them (each request is logged with its process id).
      const pids = new Set(
        server
          .output()
          .split('\n')
          .filter((line) => line.includes('"request completed"') && line.includes(ROUTE))
          .map((line) => (JSON.parse(line) as { pid: number }).pid),
      );
      expect(pids.size).toBe(2);

      // Whichever worker answers, the count is the whole server's.
      for (let scrape = 0; scrape < 6; scrape++) {
        const text = await get(server.url, '/metrics');
        expect(text.status).toBe(200);
        const count = parsePrometheusSamples(text.body)
          .filter((s) => s.name === 'http_requests_total' && s.labels.route === ROUTE)
          .reduce((sum, s) => sum + s.value, 0);
        expect(count).toBe(REQUESTS);

        const json = await get(server.url, '/api/v1/metrics');
        const summary = JSON.parse(json.body) as {
          processes: number;
          requests: { routes: { route: string; count: number }[] };
          process: { rssBytes: number };
        };
        expect(summary.processes).toBe(2);
        expect(summary.requests.routes.find((r) => r.route === ROUTE)?.count).toBe(REQUESTS);
        expect(summary.process.rssBytes).toBeGreaterThan(0);
      }
    } finally {
      expect((await server.terminate('SIGTERM')).code).toBe(0);
    }
  }, 60_000);
});

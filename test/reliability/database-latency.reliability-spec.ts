import http from 'node:http';

import request from 'supertest';

import { insertBars, makeBars } from '../factories/bars';
import { insertSymbols } from '../factories/symbols';
import { TcpFaultProxy } from '../support/tcp-fault-proxy';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';
import { get, percentile } from './support/load-client';
import { expectProblem } from './support/problem';

const DEADLINE_MS = 1_000;
/** What a request may take beyond its deadline: the timer firing and the answer being sent. */
const SLACK_MS = 250;
const PATHS = [
  '/api/v1/historical/AAPL?timeframe=1d&start=2024-01-01',
  '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-03',
  '/api/v1/historical/AAPL?timeframe=1h&start=2024-01-02&end=2024-01-05',
  '/api/v1/historical/AAPL/latest?timeframe=1m',
  '/api/v1/symbols',
  '/api/v1/symbols/detailed',
];

/**
 * Item 6: latency injected between the app and PostgreSQL (2 s per packet, each way). Every
 * request ends within REQUEST_TIMEOUT_MS with a 504 (or 503) problem+json; once the latency is
 * removed, p99 is back to its baseline within 10 s.
 */
describe('database latency', () => {
  let proxy: TcpFaultProxy;
  let databaseUrl: string;
  let t: TestApp;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  /** p99 of a round of every path, `rounds` times, sequentially per path. */
  async function p99(rounds: number): Promise<number> {
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const outcomes = await Promise.all(PATHS.map((path) => get(`${t.url}${path}`, agent)));
      for (const o of outcomes) {
        expect(o.status).toBe(200);
        times.push(o.doneAt - o.sentAt);
      }
    }
    return percentile(times, 99);
  }

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('latency');
    const target = new URL(databaseUrl);
    proxy = await TcpFaultProxy.start(target.hostname, Number(target.port));
    t = await startTestApp({
      databaseUrl: proxy.rewrite(databaseUrl),
      env: {
        CACHE_TTL_SECONDS: '0',
        REQUEST_TIMEOUT_MS: String(DEADLINE_MS),
        DATABASE_STATEMENT_TIMEOUT_MS: String(DEADLINE_MS),
      },
    });
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }]);
    await insertBars(t.dataSource, 'AAPL', '1d', makeBars(Date.UTC(2024, 0, 2), 250, 86_400_000));
    await insertBars(t.dataSource, 'AAPL', '1m', makeBars(Date.UTC(2024, 0, 2), 5_000, 60_000));
  });

  afterAll(async () => {
    agent.destroy();
    proxy?.setLatency(0);
    await t?.app.close();
    await proxy?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('ends every request within the deadline, then recovers within 10 s', async () => {
    await p99(5); // warm up: connections open, statements prepared
    const baseline = await p99(20);

    proxy.setLatency(2_000);
    const slow = await Promise.all(
      Array.from({ length: 4 }, () => PATHS)
        .flat()
        .map(async (path) => {
          const started = performance.now();
          const res = await request(t.url).get(path);
          return { res, ms: performance.now() - started };
        }),
    );
    for (const { res, ms } of slow) {
      expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect([503, 504]).toContain(res.status);
      expectProblem(res, res.status);
    }
    expect(slow.some(({ res }) => res.status === 504)).toBe(true);
    await request(t.url).get('/health').expect(200);

    proxy.setLatency(0);
    const removedAt = performance.now();
    let recovered = Infinity;
    let last = Infinity;
    while (performance.now() - removedAt < 10_000) {
      const outcomes = await Promise.all(PATHS.map((path) => get(`${t.url}${path}`, agent)));
      if (outcomes.every((o) => o.status === 200)) {
        last = await p99(5);
        if (last <= baseline * 2 + 20) {
          recovered = performance.now() - removedAt;
          break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    process.stdout.write(
      `database latency: baseline p99 ${baseline.toFixed(1)} ms; ` +
        `slowest faulted request ${Math.max(...slow.map((s) => s.ms)).toFixed(0)} ms; ` +
        `recovered in ${recovered.toFixed(0)} ms (p99 ${last.toFixed(1)} ms)\n`,
    );
    expect(recovered).toBeLessThan(10_000);
  });
});

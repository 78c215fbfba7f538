import http from 'node:http';
import net from 'node:net';

import type { DataSource } from 'typeorm';

import { insertBars, makeBars } from '../factories/bars';
import { insertSymbols } from '../factories/symbols';
import { FakePolygon, startFakePolygon } from '../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../fake-polygon/fake-polygon-env';
import { insertKey, withClient } from '../support/pg-client';
import { spawnServer } from '../support/spawn-process';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';
import { constantRate, get, Outcome } from './support/load-client';

const DRAIN_MS = 2_000;
const BASE_ENV = {
  LOG_LEVEL: 'info',
  DEMO_SEED: 'false',
  BACKFILL_ENABLED: 'false',
  SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
};

/**
 * Item 9: SIGTERM under 50 requests/s of keep-alive traffic. /ready turns 503 at once and stays
 * so for the drain window while every request is still served; no request the server accepted
 * fails (only connections attempted after the listener closed are refused); exit 0 within the
 * drain time plus the shutdown allowance. A backfill running at SIGTERM ends `interrupted`, its
 * batches whole.
 */
describe('SIGTERM drain', () => {
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('drain');
  });

  afterAll(async () => {
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('fails readiness first, serves every accepted keep-alive request, exits 0', async () => {
    const server = await spawnServer({ ...BASE_ENV, DATABASE_URL: databaseUrl });
    await withClient(databaseUrl, async (client) => {
      const db = client as unknown as DataSource;
      await insertSymbols(db, [{ symbol: 'AAPL' }]);
      await insertBars(db, 'AAPL', '1d', makeBars(Date.UTC(2024, 0, 2), 200, 86_400_000));
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const load = constantRate({
      ratePerSecond: 50,
      durationMs: 30_000,
      agent,
      pick: (i) =>
        `${server.url}/api/v1/historical/AAPL?timeframe=1d&start=2024-01-01&limit=${1 + (i % 50)}`,
    });
    const readiness: Outcome[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        readiness.push(await get(`${server.url}/ready`, false, load.started));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const signalAt = performance.now() - load.started;
    const exit = await server.terminate('SIGTERM');
    const exitAt = performance.now() - load.started;
    load.stop();
    polling = false;
    await poll;
    const outcomes = await load.done;
    agent.destroy();

    expect(exit.code).toBe(0);
    expect(exit.ms).toBeGreaterThanOrEqual(DRAIN_MS);
    expect(exit.ms).toBeLessThan(DRAIN_MS + 10_000);

    // Readiness: 200 before the signal, 503 from the first probe after it until the listener
    // closed; the probes during the window prove a poller would have seen it.
    const before = readiness.filter((r) => r.doneAt < signalAt);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((r) => r.status === 200)).toBe(true);
    const after = readiness.filter((r) => r.sentAt > signalAt + 10 && r.status !== undefined);
    expect(after.length).toBeGreaterThanOrEqual(DRAIN_MS / 50 / 2);
    expect(after.every((r) => r.status === 503)).toBe(true);

    // Every request the server accepted succeeded; the only failures are refused connections
    // after the listener closed.
    const answered = outcomes.filter((o) => o.status !== undefined);
    const failed = outcomes.filter((o) => o.error !== undefined);
    expect(answered.length).toBeGreaterThan(100);
    expect(answered.filter((o) => o.status !== 200)).toEqual([]);
    const servedDuringDrain = answered.filter((o) => o.sentAt > signalAt);
    expect(servedDuringDrain.length).toBeGreaterThan(((DRAIN_MS / 1000) * 50) / 2);
    // At the close: refused, or — for a connection still in the kernel's accept queue when the
    // listening socket closes — reset by the kernel. Never during the drain window. (A connection
    // the server did accept is served: see the next test.)
    for (const failure of failed) {
      expect(['ECONNREFUSED', 'ECONNRESET']).toContain(failure.error);
      expect(failure.sentAt).toBeGreaterThan(signalAt + DRAIN_MS - 100);
    }
    expect(exitAt).toBeGreaterThan(signalAt);
    process.stdout.write(
      `shutdown drain: exit 0 after ${exit.ms} ms (drain ${DRAIN_MS} ms); ` +
        `${answered.length} requests answered 200 (${servedDuringDrain.length} after SIGTERM), ` +
        `${failed.length} refused after close; ${after.length} readiness probes 503\n`,
    );
  });

  it('serves a request that arrives just after the listener closed on an accepted connection', async () => {
    const server = await spawnServer({
      ...BASE_ENV,
      SHUTDOWN_DRAIN_MS: '300',
      DATABASE_URL: databaseUrl,
    });
    // Accepted before SIGTERM, its request not sent yet: the race at the close instant, widened.
    const socket = net.connect(server.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = new Promise<string>((resolve) => {
      socket.once('close', () => resolve(Buffer.concat(received).toString('latin1')));
      socket.once('error', () => undefined);
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exit = server.terminate('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (await accepts(server.port)) {
      if (Date.now() > deadline) throw new Error('the listener did not close within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const response = await ended;
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(response.toLowerCase()).toContain('connection: close');
    expect((await exit).code).toBe(0);
  });

  describe('with a backfill running', () => {
    let fake: FakePolygon;

    beforeAll(async () => {
      fake = await startFakePolygon({ pageSize: 2_000 });
    });

    afterAll(async () => {
      await fake?.close();
    });

    it('marks the run interrupted, with whole batches only', async () => {
      const url = await createTestDatabase('drainfill');
      try {
        const server = await spawnServer({
          ...BASE_ENV,
          ...fakePolygonEnv(fake),
          DATABASE_URL: url,
          POLYGON_TIMEOUT_MS: '60000',
        });
        const admin = await withClient(url, async (client) => {
          await insertSymbols(client as unknown as DataSource, [
            { symbol: 'AAPL', timeframes: ['1m'] },
            { symbol: 'MSFT', timeframes: ['1m'] },
          ]);
          return insertKey(client, ['admin']);
        });
        // Pages after the third hang: the run is mid-flight, waiting on upstream, at SIGTERM.
        fake.setFault({ fault: { kind: 'hang' }, pagesOnly: true, skip: 3 });
        const started = await fetch(`${server.url}/api/v1/admin/backfill`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': admin },
          body: JSON.stringify({ timeframes: ['1m'], from: '2024-01-02', to: '2024-02-29' }),
        });
        expect(started.status).toBe(202);
        const { runId } = (await started.json()) as { runId: string };
        await waitFor(async () => (await writtenBars(url)) > 0);

        const exit = await server.terminate('SIGTERM');
        expect(exit.code).toBe(0);

        await withClient(url, async (client) => {
          const run = await client.query<{ status: string; bars_written: string }>(
            `SELECT status, bars_written FROM backfill_runs WHERE id = $1`,
            [runId],
          );
          expect(run.rows[0].status).toBe('interrupted');
          const series = await client.query<{ status: string }>(
            `SELECT status FROM backfill_run_series WHERE run_id = $1`,
            [runId],
          );
          expect(series.rows.map((s) => s.status)).not.toContain('running');
          // Every committed batch was counted and nothing else was written.
          expect(await writtenBars(url)).toBe(Number(run.rows[0].bars_written));
        });
      } finally {
        fake.clearFaults();
        await dropTestDatabase(url);
      }
    });
  });
});

async function writtenBars(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM bars`);
    return Number(rows[0].n);
  });
}

/** Whether a new connection to the port is accepted (false once the listener is closed). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

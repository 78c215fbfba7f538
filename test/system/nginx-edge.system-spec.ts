import * as http from 'node:http';
import { gunzipSync } from 'node:zlib';

import { Deployment, HASHED_ASSET, send, startDeployment } from './support/deployment';
import { freePort, startNginx } from './support/nginx';

/**
 * The repository's nginx template in real nginx, in front of two real API processes on one
 * PostgreSQL: what an operator gets from `docker compose up`, minus Docker.
 */
describe('nginx in front of two API processes', () => {
  let d: Deployment;
  let edge: string;

  beforeAll(async () => {
    d = await startDeployment({ env: { RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3' } });
    edge = d.nginx.url;
  });
  afterAll(() => d?.close());

  function expectEdgeProblem(res: Awaited<ReturnType<typeof send>>, status: number): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
    expect(body.detail).toEqual(expect.any(String));
    expect(body.requestId).toBe(res.headers['x-request-id']);
  }

  describe('probes and the edge rate limit', () => {
    it('never limits /health or /ready, even 400 at once from one address', async () => {
      for (const probe of ['/health', '/ready']) {
        const answers = await Promise.all(
          Array.from({ length: 400 }, () => send(edge, probe).then((r) => r.status)),
        );
        expect(answers.filter((s) => s !== 200)).toEqual([]);
      }
    });

    it('answers its own 429 as problem+json with Retry-After and X-Request-Id', async () => {
      const answers = await Promise.all(
        Array.from({ length: 400 }, () =>
          send(edge, '/api/v1/symbols', { localAddress: '127.0.0.9' }),
        ),
      );
      const limited = answers.filter((r) => r.status === 429);
      // 50/s with a burst of 100 admits about 100 of 400 requests sent at once.
      expect(limited.length).toBeGreaterThan(200);
      expect(answers.filter((r) => r.status !== 429 && r.status !== 200)).toEqual([]);
      const refused = limited[0];
      expectEdgeProblem(refused, 429);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.json().instance).toBe('/api/v1/symbols');
      expect(refused.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  it('answers an oversized body with its own 413 problem+json, echoing the request id', async () => {
    const res = await send(edge, '/api/v1/admin/api-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'big-body-1' },
      body: Buffer.alloc(2 * 1024 * 1024, 0x20),
    });
    expectEdgeProblem(res, 413);
    expect(res.headers['x-request-id']).toBe('big-body-1');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
  });

  describe('paths', () => {
    it.each(['/api', '/api/', '/api/v2/nothing', '/api/v1/historical'])(
      'hands %s to the API, which answers (its own problem+json for unknown paths)',
      async (path) => {
        const res = await send(edge, path);
        expect(res.status).not.toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        // The API's rate-limit fields prove the answer came from the API, not from nginx.
        expect(res.headers['ratelimit-policy']).toBeDefined();
        expect(res.text).not.toContain('<!doctype html>');
      },
    );

    it('answers a missing static file with 404, not the dashboard page', async () => {
      for (const path of ['/nope.js', '/assets/missing-AAAAAAAA.js', '/favicon.ico']) {
        const res = await send(edge, path);
        expectEdgeProblem(res, 404);
        expect(res.text).not.toContain('<title>');
      }
    });

    it('serves the dashboard page for revalidation and hashed assets as immutable', async () => {
      const page = await send(edge, '/');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-cache');
      const asset = await send(edge, HASHED_ASSET, { headers: { 'accept-encoding': 'gzip' } });
      expect(asset.status).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(asset.body).toString()).toContain('console.log');
    });
  });

  describe('request ids and compression', () => {
    it('passes the client request id to the API and back', async () => {
      const res = await send(edge, '/api/v1/historical/NOPE', {
        headers: { 'x-request-id': 'trace-abc.123' },
      });
      expect(res.status).toBe(404);
      expect(res.headers['x-request-id']).toBe('trace-abc.123');
      expect(res.json().requestId).toBe('trace-abc.123');
    });

    it("gives the API nginx's id when the client sent none or an unsafe one", async () => {
      for (const headers of [{}, { 'x-request-id': 'bad id with spaces' }] as Record<
        string,
        string
      >[]) {
        const res = await send(edge, '/api/v1/historical/NOPE', { headers });
        // nginx's $request_id (32 hex digits), not the API's own UUID.
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
        expect(res.json().requestId).toBe(res.headers['x-request-id']);
      }
    });

    it("passes the API's gzip through", async () => {
      const res = await send(edge, '/docs-json', { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      const doc = JSON.parse(gunzipSync(res.body).toString()) as { openapi: string };
      expect(doc.openapi).toMatch(/^3\./);
    });
  });

  describe('client address', () => {
    it('is the address nginx saw; a forged X-Forwarded-For changes nothing', async () => {
      const forged = (i: number) => ({ 'x-api-key': 'mdw_wrong', 'x-forwarded-for': `9.9.9.${i}` });
      // Auth failures are limited per client address (3 a minute per process here): each forged
      // chain names another address, so only the real address can make this run out.
      const statuses: number[] = [];
      for (let i = 0; i < 8 && !statuses.includes(429); i++) {
        const res = await send(edge, '/api/v1/admin/api-keys', {
          headers: forged(i),
          localAddress: '127.0.0.7',
        });
        statuses.push(res.status);
      }
      expect(statuses).toContain(429);
      expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
      // Another real address is not affected.
      const other = await send(edge, '/api/v1/admin/api-keys', {
        headers: forged(99),
        localAddress: '127.0.0.8',
      });
      expect(other.status).toBe(401);
      const audit = await d.query<{ ip: string }>(
        `SELECT DISTINCT ip FROM api_key_audit WHERE action = 'auth.failed'`,
      );
      expect(audit.map((row) => row.ip).sort()).toEqual(['127.0.0.7', '127.0.0.8']);
    });
  });

  describe('/metrics', () => {
    it('is scraped through nginx from an allowed address (METRICS_ALLOW)', async () => {
      const res = await send(edge, '/metrics', { localAddress: '127.0.0.1' });
      expect(res.status).toBe(200);
      expect(res.text).toContain('http_requests_total');
    });

    it('is refused from outside, forged X-Forwarded-For or not', async () => {
      for (const headers of [{}, { 'x-forwarded-for': '127.0.0.1' }] as Record<string, string>[]) {
        const res = await send(edge, '/metrics', { headers, localAddress: '127.0.0.2' });
        expect(res.status).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    });
  });

  describe('buffering', () => {
    const SYMBOL = 'BUFR';
    const ROWS = 300_000;
    const csvPath = `/api/v1/historical/${SYMBOL}?timeframe=1m&start=2024-01-01&end=2024-12-31&format=csv`;

    beforeAll(async () => {
      await d.query(
        `INSERT INTO symbols (symbol, name, asset_class, exchange, timeframes) VALUES ($1, 'Buffer Inc.', 'stocks', 'XNAS', '{1m}')`,
        [SYMBOL],
      );
      await d.query(
        `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
         SELECT $1, '1m', timestamptz '2024-01-01' + i * interval '1 minute',
                100 + i % 7, 101 + i % 7, 99 + i % 7, 100.5 + i % 7, 1000 + i, 100.25, 10, 'test'
           FROM generate_series(0, $2 - 1) AS i`,
        [SYMBOL, ROWS],
      );
    });

    /** Read-pool sessions still running the export's COPY. */
    async function copiesRunning(): Promise<number> {
      const [row] = await d.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY%'`,
      );
      return row.n;
    }

    /** Starts a CSV download, reads its first chunk, then stops reading (a slow client). */
    function stalledDownload(base: string): Promise<{ first: string; abort: () => void }> {
      return new Promise((resolve, reject) => {
        const req = http.get(new URL(csvPath, base), { agent: false }, (res) => {
          res.once('data', (chunk: Buffer) => {
            res.pause();
            resolve({ first: chunk.toString(), abort: () => req.destroy() });
          });
        });
        req.on('error', reject);
      });
    }

    async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await check()) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return check();
    }

    it('a slow client downloading a CSV export holds no database connection behind nginx', async () => {
      const download = await stalledDownload(edge);
      try {
        expect(
          download.first.startsWith('timestamp,open,high,low,close,volume,vwap,trades\n'),
        ).toBe(true);
        // nginx takes the whole export from the API while the client reads nothing more.
        expect(await until(async () => (await copiesRunning()) === 0, 30_000)).toBe(true);
      } finally {
        download.abort();
      }
    });

    it('(the same client talking to the API directly keeps its COPY open)', async () => {
      const download = await stalledDownload(d.apis[0].url);
      try {
        expect(await until(async () => (await copiesRunning()) === 0, 3_000)).toBe(false);
      } finally {
        download.abort();
      }
    });

    it('a response starts reaching the client before the API has finished it', async () => {
      // An upstream that sends the CSV header, then waits until the client has seen it: if nginx
      // held the response back until the end, this would never finish.
      let clientSawHeader!: () => void;
      const seen = new Promise<void>((resolve) => (clientSawHeader = resolve));
      const upstream = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/csv' });
        res.write('timestamp,open,high,low,close,volume,vwap,trades\n');
        void seen.then(() => res.end('2024-01-02T14:30:00.000Z,1,1,1,1,1,,\n'));
      });
      const port = await freePort();
      await new Promise<void>((resolve) => upstream.listen(port, '127.0.0.1', resolve));
      const nginx = await startNginx({ upstreamPorts: [port], staticRoot: d.staticRoot });
      try {
        const body = await new Promise<string>((resolve, reject) => {
          http
            .get(new URL('/api/v1/historical/X?format=csv', nginx.url), { agent: false }, (res) => {
              let text = '';
              res.on('data', (chunk: Buffer) => {
                text += chunk.toString();
                if (text.includes('trades\n')) clientSawHeader();
              });
              res.on('end', () => resolve(text));
            })
            .on('error', reject);
        });
        expect(body.split('\n')).toHaveLength(3);
      } finally {
        await nginx.stop();
        upstream.close();
      }
    });
  });
});

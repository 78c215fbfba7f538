import request from 'supertest';

import { createApiKey } from '../factories/api-keys';
import { insertBars, makeBars } from '../factories/bars';
import { insertSymbols } from '../factories/symbols';
import { TcpFaultProxy } from '../support/tcp-fault-proxy';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';
import { expectProblem } from './support/problem';

/** Every data endpoint: each needs the database (the read cache is off in this file). */
const DATA_PATHS = [
  '/api/v1/historical/AAPL?timeframe=1d',
  '/api/v1/historical/AAPL?timeframe=5m&start=2024-01-02&end=2024-01-03',
  '/api/v1/historical/AAPL?timeframe=1d&format=csv',
  '/api/v1/historical/AAPL/latest',
  '/api/v1/historical?symbols=AAPL,MSFT&timeframe=1d',
  '/api/v1/symbols',
  '/api/v1/symbols/detailed',
  '/api/v1/symbols/AAPL',
];

/**
 * Item 4: with the database unreachable, whether connections are refused or accepted and
 * dropped, every data endpoint answers 503 problem+json with Retry-After, leaking nothing; the
 * same with an API key (its lookup needs the database too); liveness stays 200.
 */
describe('database down', () => {
  let proxy: TcpFaultProxy;
  let databaseUrl: string;
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('dbdown');
    const target = new URL(databaseUrl);
    proxy = await TcpFaultProxy.start(target.hostname, Number(target.port));
    t = await startTestApp({
      databaseUrl: proxy.rewrite(databaseUrl),
      env: { CACHE_TTL_SECONDS: '0' },
    });
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }, { symbol: 'MSFT' }]);
    await insertBars(t.dataSource, 'AAPL', '1d', makeBars(Date.UTC(2024, 0, 2), 30, 86_400_000));
    key = (await createApiKey(t.dataSource, { scopes: ['read'] })).key;
    for (const path of DATA_PATHS) {
      const res = await request(t.url).get(path);
      expect([200, 404]).toContain(res.status);
    }
  });

  afterAll(async () => {
    await proxy?.setMode('pass');
    await t?.app.close();
    await proxy?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  describe.each([
    ['refused', 'refuse'],
    ['accepted and dropped', 'drop'],
  ] as const)('connections %s', (_name, mode) => {
    beforeAll(async () => {
      await proxy.setMode(mode);
      proxy.resetAll();
    });

    afterAll(async () => {
      await proxy.setMode('pass');
    });

    it.each(DATA_PATHS)('GET %s answers 503 with Retry-After', async (path) => {
      for (const headers of [{}, { 'X-API-Key': key }]) {
        const res = await request(t.url).get(path).set(headers);
        expectProblem(res, 503);
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        expect(res.body.type).toMatch(/\/database-unavailable$/);
      }
    });

    it('keeps /health at 200 and turns /ready to 503 with Retry-After', async () => {
      await request(t.url).get('/health').expect(200);
      const ready = await request(t.url).get('/ready');
      expectProblem(ready, 503);
      expect(ready.headers['retry-after']).toMatch(/^\d+$/);
    });
  });

  it('serves again once the database is back', async () => {
    await proxy.setMode('pass');
    const res = await request(t.url).get('/api/v1/historical/AAPL?timeframe=1d&start=2024-01-01');
    expect(res.status).toBe(200);
    expect(res.body.bars).toHaveLength(30);
  });
});

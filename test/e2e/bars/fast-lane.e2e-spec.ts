import { CallHandler, ExecutionContext, Injectable, Module, NestInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Observable } from 'rxjs';
import request from 'supertest';

import { ApiKeyGuard } from '../../../src/api-keys/api-key.guard';
import { createApiKey } from '../../factories/api-keys';
import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

const JAN2 = Date.UTC(2024, 0, 2);

/**
 * GET /api/v1/historical/{symbol} is served by HistoricalFastLane for plainly valid queries and
 * by Nest's pipeline otherwise. These tests pin which path serves what, and that both answer
 * alike: same bodies, same headers, same errors, same authentication and rate limiting.
 */
describe('the historical fast lane', () => {
  let t: TestApp;
  let guard: ApiKeyGuard;
  const minutes = makeBars(JAN2 + 14.5 * 3_600_000, 300, 60_000, { seed: 11 });

  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }]);
    await insertBars(t.dataSource, 'AAPL', '1m', minutes);
    guard = t.app.get(ApiKeyGuard);
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  /** Which path served a request: the fast lane calls admit() directly, Nest canActivate(). */
  async function served(path: string, headers: Record<string, string> = {}) {
    const admit = jest.spyOn(guard, 'admit');
    const canActivate = jest.spyOn(guard, 'canActivate');
    const res = await request(t.url).get(path).set(headers);
    const via = canActivate.mock.calls.length > 0 ? 'nest' : 'fast';
    expect(admit).toHaveBeenCalledTimes(1);
    admit.mockRestore();
    canActivate.mockRestore();
    return { res, via };
  }

  const RANGE = 'timeframe=1m&start=2024-01-02T14:30:00Z&end=2024-01-02T19:00:00Z';

  it('serves plainly valid queries itself', async () => {
    const { res, via } = await served(`/api/v1/historical/AAPL?${RANGE}&limit=10`);
    expect(via).toBe('fast');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(10);
  });

  it('answers exactly like the Nest pipeline (limit=10 fast vs limit=010 through Nest)', async () => {
    const fast = await served(`/api/v1/historical/aapl?${RANGE}&limit=10&sort=desc`);
    const nest = await served(`/api/v1/historical/aapl?${RANGE}&limit=010&sort=desc`);
    expect([fast.via, nest.via]).toEqual(['fast', 'nest']);
    expect(fast.res.status).toBe(200);
    expect(fast.res.text).toBe(nest.res.text);
    for (const header of [
      'content-type',
      'etag',
      'cache-control',
      'vary',
      'ratelimit-policy',
      'content-security-policy',
      'x-content-type-options',
    ]) {
      expect([header, fast.res.headers[header]]).toEqual([header, nest.res.headers[header]]);
    }
    expect(fast.res.headers['x-request-id']).toBeTruthy();
  });

  it('follows cursors to every bar exactly once', async () => {
    const seen: string[] = [];
    let path: string | null = `/api/v1/historical/AAPL?${RANGE}&limit=70`;
    while (path) {
      const { res, via } = await served(path);
      expect(via).toBe('fast');
      seen.push(...res.body.bars.map((b: { timestamp: string }) => b.timestamp));
      path = res.body.nextCursor
        ? `/api/v1/historical/AAPL?${RANGE}&limit=70&cursor=${res.body.nextCursor}`
        : null;
    }
    expect(seen).toEqual(minutes.slice(0, 271).map((b) => new Date(b.ts).toISOString()));
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await served(`/api/v1/historical/AAPL?${RANGE}&limit=5`);
    const again = await served(`/api/v1/historical/AAPL?${RANGE}&limit=5`, {
      'If-None-Match': first.res.headers.etag,
    });
    expect(again.via).toBe('fast');
    expect(again.res.status).toBe(304);
  });

  it('streams CSV', async () => {
    const { res, via } = await served(`/api/v1/historical/AAPL?${RANGE}&format=csv`);
    expect(via).toBe('fast');
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text.trim().split('\n')).toHaveLength(272);
  });

  it('answers an unknown symbol with the same 404 problem', async () => {
    const { res, via } = await served(`/api/v1/historical/NOPE?${RANGE}`);
    expect(via).toBe('fast');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 404,
      type: expect.stringMatching(/\/not-found$/),
      detail: 'Unknown symbol NOPE.',
      instance: '/api/v1/historical/NOPE',
    });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers errors found after parsing (start after end, a foreign cursor) as problems', async () => {
    const late = await served(
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-02-01&end=2024-01-01',
    );
    expect(late.via).toBe('fast');
    expect(late.res.status).toBe(400);
    expect(late.res.body.errors).toEqual([{ field: 'start', message: 'must not be after end' }]);
    const cursor = await served(`/api/v1/historical/AAPL?${RANGE}&cursor=bm90LWEtY3Vyc29y`);
    expect(cursor.res.status).toBe(400);
    expect(cursor.res.body.errors[0].field).toBe('cursor');
  });

  it.each([
    ['a bad value', 'limit=0', 'limit'],
    ['an unknown parameter', 'limt=5', 'limt'],
    ['a repeated parameter', 'limit=5&limit=6', 'limit'],
    ['an impossible date', 'start=2023-02-29', 'start'],
  ])('hands %s to Nest, which names the parameter', async (_what, query, field) => {
    const { res, via } = await served(`/api/v1/historical/AAPL?${query}`);
    expect(via).toBe('nest');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('authenticates keys like every other route', async () => {
    const { key } = await createApiKey(t.dataSource, { scopes: ['read'] });
    const ok = await served(`/api/v1/historical/AAPL?${RANGE}&limit=1`, { 'X-API-Key': key });
    expect(ok.via).toBe('fast');
    expect(ok.res.status).toBe(200);
    expect(ok.res.headers['ratelimit-policy']).toMatch(/^"key"/);
    const bad = await served(`/api/v1/historical/AAPL?${RANGE}&limit=1`, {
      'X-API-Key': 'mdw_notarealkey',
    });
    expect(bad.via).toBe('fast');
    expect(bad.res.status).toBe(401);
    expect(bad.res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('the fast lane and enhancers it would skip', () => {
  @Injectable()
  class AuditEveryRequest implements NestInterceptor {
    intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
      return next.handle();
    }
  }
  @Module({ providers: [{ provide: APP_INTERCEPTOR, useClass: AuditEveryRequest }] })
  class AuditModule {}

  it('refuses to start when a global interceptor exists that the lane would skip', async () => {
    await expect(startTestApp({ extraModules: [AuditModule] })).rejects.toThrow(
      /fast lane of GET \/api\/v1\/historical.* would skip the global interceptor AuditEveryRequest/,
    );
  });

  it('serves the latest bar and multi-symbol pages too, through the same guard', async () => {
    const t = await startTestApp();
    try {
      await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }, { symbol: 'MSFT' }]);
      const guard = t.app.get(ApiKeyGuard);
      const canActivate = jest.spyOn(guard, 'canActivate');
      const admit = jest.spyOn(guard, 'admit');
      await request(t.url).get('/api/v1/historical/AAPL/latest?timeframe=1m').expect(200);
      await request(t.url).get('/api/v1/historical?symbols=AAPL,MSFT&limit=5').expect(200);
      expect([admit.mock.calls.length, canActivate.mock.calls.length]).toEqual([2, 0]);
      await request(t.url).get('/api/v1/historical/AAPL/latest?timeframe=2m').expect(400);
      expect(canActivate).toHaveBeenCalledTimes(1);
    } finally {
      jest.restoreAllMocks();
      await t.close();
    }
  });
});

describe('the historical fast lane under a rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' } });
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }]);
  });
  afterAll(() => t.close());

  it('counts fast and Nest-served requests in the same bucket and answers 429 alike', async () => {
    const path = '/api/v1/historical/AAPL?timeframe=1d&start=2024-01-02';
    await request(t.url).get(`${path}&limit=1`).expect(200); // fast
    await request(t.url).get(`${path}&limit=01`).expect(200); // Nest
    await request(t.url).get(`${path}&limit=1`).expect(200); // fast
    const limited = await request(t.url).get(`${path}&limit=1`).expect(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body.type).toMatch(/\/rate-limited$/);
  });
});

import request from 'supertest';

import { createApiKey, CreatedTestKey } from '../../factories/api-keys';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

const RATE_LIMIT_POLICY = /^"(anonymous|key|auth-failures)";q=\d+;w=60$/;
const RATE_LIMIT = /^"(anonymous|key|auth-failures)";r=\d+;t=\d+$/;

describe('conventions every endpoint follows', () => {
  let t: TestApp;
  let admin: CreatedTestKey;

  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT_BYTES: '1024' } });
    admin = await createApiKey(t.dataSource, { scopes: ['admin'] });
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }]);
  });
  afterAll(() => t.close());

  describe('unknown query parameters are a 400 naming them', () => {
    it.each([
      ['/api/v1/status', false],
      ['/api/v1/symbols/AAPL', false],
      ['/api/v1/metrics', false],
      ['/api/v1/admin/symbols/AAPL', true],
      ['/health', false],
    ])('on %s', async (path, keyed) => {
      const call = request(t.url).get(`${path}?limt=5`);
      if (keyed) void call.set('X-API-Key', admin.key);
      const res = await call.expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([
        { field: 'limt', message: expect.stringContaining('unknown') },
      ]);
      // Without the stray parameter the same request succeeds.
      const clean = request(t.url).get(path);
      if (keyed) void clean.set('X-API-Key', admin.key);
      await clean.expect(200);
    });

    it('on an admin list whose DTO has no such field', async () => {
      const res = await request(t.url)
        .get('/api/v1/admin/api-keys?limt=5')
        .set('X-API-Key', admin.key)
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'limt', message: expect.stringContaining('unknown') },
      ]);
    });
  });

  describe('rate-limit fields on every /api response', () => {
    it('a body over the limit: 413 problem+json with RateLimit and RateLimit-Policy', async () => {
      const res = await request(t.url)
        .post('/api/v1/admin/api-keys')
        .set('X-API-Key', admin.key)
        .send({ name: 'x'.repeat(4096), scopes: ['read'] })
        .expect(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['ratelimit-policy']).toMatch(RATE_LIMIT_POLICY);
      expect(res.headers['ratelimit']).toMatch(RATE_LIMIT);
    });

    it('malformed JSON: 400 problem+json with the fields', async () => {
      const res = await request(t.url)
        .post('/api/v1/admin/backfill')
        .set('X-API-Key', admin.key)
        .set('Content-Type', 'application/json')
        .send('{"symbols": ')
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['ratelimit-policy']).toMatch(RATE_LIMIT_POLICY);
      expect(res.headers['ratelimit']).toMatch(RATE_LIMIT);
    });

    it('an unsupported media type: 415 with the fields', async () => {
      const res = await request(t.url)
        .post('/api/v1/admin/backfill')
        .set('X-API-Key', admin.key)
        .set('Content-Type', 'application/xml')
        .send('<symbols/>')
        .expect(415);
      expect(res.headers['ratelimit']).toMatch(RATE_LIMIT);
    });

    it('counts such a request in the address bucket', async () => {
      const before = await request(t.url).get('/api/v1/status');
      const after = await request(t.url)
        .post('/api/v1/admin/backfill')
        .set('Content-Type', 'application/json')
        .send('{')
        .expect(400);
      const remaining = (res: request.Response) =>
        Number(/;r=(\d+)/.exec(res.headers['ratelimit'])?.[1]);
      expect(remaining(after)).toBe(remaining(before) - 1);
    });

    it('not outside /api', async () => {
      const res = await request(t.url).get('/health').expect(200);
      expect(res.headers['ratelimit']).toBeUndefined();
    });
  });

  describe('one time parser', () => {
    it.each(['2024-W01-1', '2024-01-01T10:00:00', '2024-002', '20240101', 'yesterday'])(
      'audit since=%s is a 400 naming since',
      async (since) => {
        const res = await request(t.url)
          .get(`/api/v1/admin/audit?since=${encodeURIComponent(since)}`)
          .set('X-API-Key', admin.key)
          .expect(400);
        expect(res.body.errors).toEqual([
          { field: 'since', message: expect.stringContaining('with a zone') },
        ]);
      },
    );

    it('reads a date as a UTC day and an instant with its offset', async () => {
      await request(t.url)
        .get('/api/v1/admin/audit?since=2024-01-01&until=2024-01-02T10:00:00%2B02:00')
        .set('X-API-Key', admin.key)
        .expect(200);
      const res = await request(t.url)
        .get('/api/v1/admin/audit?since=2024-01-03&until=2024-01-02')
        .set('X-API-Key', admin.key)
        .expect(400);
      expect(res.body.errors[0].field).toBe('since');
    });

    it.each(['2030-01-01T00:00:00', '2030-W01-1', '2030-02-30'])(
      'an expiresAt of %s is a 400 naming expiresAt',
      async (expiresAt) => {
        const res = await request(t.url)
          .post('/api/v1/admin/api-keys')
          .set('X-API-Key', admin.key)
          .send({ name: 'n', scopes: ['read'], expiresAt })
          .expect(400);
        expect(res.body.errors).toEqual([{ field: 'expiresAt', message: expect.any(String) }]);
      },
    );

    it('an expiresAt given as a date expires at the start of that UTC day', async () => {
      const res = await request(t.url)
        .post('/api/v1/admin/api-keys')
        .set('X-API-Key', admin.key)
        .send({ name: 'n', scopes: ['read'], expiresAt: '2099-12-31' })
        .expect(201);
      expect(res.body.expiresAt).toBe('2099-12-31T00:00:00.000Z');
    });
  });
});

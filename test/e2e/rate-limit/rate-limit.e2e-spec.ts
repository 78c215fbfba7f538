import request from 'supertest';

import { createApiKey } from '../../factories/api-keys';
import { startTestApp, TestApp } from '../../support/test-app';
import { AuthProbeModule } from '../api-keys/auth-probe.module';

const PROBE = '/api/v1/__auth-probe';
const POLICY = /^"(anonymous|key|auth-failures)";q=\d+;w=60$/;
const STATE = /^"(anonymous|key|auth-failures)";r=\d+;t=\d+$/;

function remaining(res: request.Response): number {
  return Number(/;r=(\d+)/.exec(res.headers['ratelimit'])?.[1]);
}

describe('rate limits', () => {
  describe('buckets and headers', () => {
    let t: TestApp;
    let reader: { id: string; key: string };
    let other: { id: string; key: string };
    let admin: { id: string; key: string };

    beforeAll(async () => {
      t = await startTestApp({
        extraModules: [AuthProbeModule],
        env: {
          RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3',
          RATE_LIMIT_KEY_PER_MINUTE: '5',
          RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '2',
        },
      });
      reader = await createApiKey(t.dataSource, { scopes: ['read'] });
      other = await createApiKey(t.dataSource, { scopes: ['read'] });
      admin = await createApiKey(t.dataSource, { scopes: ['admin'] });
    });
    afterAll(() => t.close());

    it('limits anonymous clients per IP and answers 429 problem+json with an integer Retry-After', async () => {
      const first = await request(t.url).get(PROBE).expect(200);
      expect(first.headers['ratelimit-policy']).toBe('"anonymous";q=3;w=60');
      expect(first.headers['ratelimit']).toMatch(/^"anonymous";r=2;t=\d+$/);
      await request(t.url).get(PROBE).expect(200);
      const third = await request(t.url).get(PROBE).expect(200);
      expect(remaining(third)).toBe(0);

      const limited = await request(t.url).get(PROBE).expect(429);
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(limited.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited.headers['ratelimit']).toMatch(/^"anonymous";r=0;t=\d+$/);
    });

    it('gives each key its own, higher bucket even when the IP is exhausted', async () => {
      const keyed = await request(t.url).get(PROBE).set('X-API-Key', reader.key).expect(200);
      expect(keyed.headers['ratelimit-policy']).toBe('"key";q=5;w=60');
      expect(remaining(keyed)).toBe(4);
      for (let i = 0; i < 4; i += 1)
        await request(t.url).get(PROBE).set('X-API-Key', reader.key).expect(200);
      const limited = await request(t.url).get(PROBE).set('X-API-Key', reader.key).expect(429);
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      // Another key from the same address is unaffected.
      const fresh = await request(t.url).get(PROBE).set('X-API-Key', other.key).expect(200);
      expect(remaining(fresh)).toBe(4);
    });

    it('puts the fields on error responses under /api too', async () => {
      const forbidden = await request(t.url)
        .get('/api/v1/admin/api-keys')
        .set('X-API-Key', other.key)
        .expect(403);
      expect(forbidden.headers['ratelimit-policy']).toMatch(POLICY);
      expect(forbidden.headers['ratelimit']).toMatch(STATE);
      const invalid = await request(t.url)
        .post('/api/v1/admin/api-keys')
        .set('X-API-Key', admin.key)
        .send({ name: '' })
        .expect(400);
      expect(invalid.headers['ratelimit']).toMatch(/^"key";r=\d+;t=\d+$/);
      const missing = await request(t.url)
        .get('/api/v1/admin/api-keys/00000000-0000-4000-8000-000000000000')
        .set('X-API-Key', admin.key)
        .expect(404);
      expect(missing.headers['ratelimit']).toMatch(STATE);
    });

    it('counts and labels /api paths that match no route in the per-IP bucket', async () => {
      // The anonymous bucket of 127.0.0.1 was spent by the first test.
      const res = await request(t.url).get('/api/v1/no-such-endpoint').expect(429);
      expect(res.headers['ratelimit-policy']).toBe('"anonymous";q=3;w=60');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      // Outside /api an unknown path is a plain 404 without the fields.
      const outside = await request(t.url).get('/no-such-page').expect(404);
      expect(outside.headers['ratelimit']).toBeUndefined();
    });

    it('never limits or labels the health probes', async () => {
      for (let i = 0; i < 10; i += 1) {
        const res = await request(t.url).get('/health').expect(200);
        expect(res.headers['ratelimit']).toBeUndefined();
        expect(res.headers['ratelimit-policy']).toBeUndefined();
      }
      await request(t.url).get('/ready').expect(200);
    });

    it('slows key guessing: after the failure budget, keyed requests from the IP get 429', async () => {
      const guess = () =>
        request(t.url)
          .get(PROBE)
          .set('X-API-Key', `mdw_${'Q'.repeat(43)}`);
      const first = await guess().expect(401);
      expect(first.headers['ratelimit-policy']).toBe('"auth-failures";q=2;w=60');
      expect(remaining(first)).toBe(1);
      await guess().expect(401);
      const blocked = await guess().expect(429);
      expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
      // Even a valid key from that address waits: the guesser cannot tell a hit from a miss.
      await request(t.url).get(PROBE).set('X-API-Key', admin.key).expect(429);
      const failures = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM api_key_audit WHERE action = 'auth.failed'`,
      );
      expect(failures[0].n).toBe(2);
    });
  });

  describe('client address behind proxies', () => {
    it('labels an unknown /api path with the per-IP fields before the budget is spent', async () => {
      const t = await startTestApp({ env: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5' } });
      try {
        const res = await request(t.url).get('/api/v1/nothing').expect(404);
        expect(res.headers['ratelimit']).toMatch(/^"anonymous";r=4;t=\d+$/);
      } finally {
        await t.close();
      }
    });

    it('ignores a forged X-Forwarded-For when no proxy is trusted', async () => {
      const t = await startTestApp({
        extraModules: [AuthProbeModule],
        env: { TRUST_PROXY: '0', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2' },
      });
      try {
        const a = await request(t.url)
          .get(PROBE)
          .set('X-Forwarded-For', '198.51.100.1')
          .expect(200);
        expect(a.body.ip).toBe('127.0.0.1');
        await request(t.url).get(PROBE).set('X-Forwarded-For', '198.51.100.2').expect(200);
        // A third "different client" is the same address: the bucket is spent.
        await request(t.url).get(PROBE).set('X-Forwarded-For', '198.51.100.3').expect(429);
      } finally {
        await t.close();
      }
    });

    it('with one trusted hop, only the address that proxy saw counts', async () => {
      const t = await startTestApp({
        extraModules: [AuthProbeModule],
        env: { TRUST_PROXY: '1', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2' },
      });
      try {
        // nginx appends the address it saw; anything before it is the client's own claim.
        const viaProxy = (claimed: string, seen: string) =>
          request(t.url).get(PROBE).set('X-Forwarded-For', `${claimed}, ${seen}`);
        const first = await viaProxy('10.9.9.9', '203.0.113.5').expect(200);
        expect(first.body.ip).toBe('203.0.113.5');
        await viaProxy('10.1.1.1', '203.0.113.5').expect(200);
        await viaProxy('10.2.2.2', '203.0.113.5').expect(429);
        // A different client seen by the proxy has its own bucket.
        const other = await viaProxy('10.2.2.2', '203.0.113.6').expect(200);
        expect(other.body.ip).toBe('203.0.113.6');
      } finally {
        await t.close();
      }
    });
  });
});

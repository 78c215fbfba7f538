import request from 'supertest';

import { createApiKey } from '../../factories/api-keys';
import { startTestApp, TestApp } from '../../support/test-app';

describe('restricting /metrics with METRICS_ALLOW', () => {
  describe('when the client is outside every allowed range', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { METRICS_ALLOW: '10.0.0.0/8,192.168.0.0/16' } });
    });
    afterAll(() => t.close());

    it('answers 403 problem+json without a key', async () => {
      const res = await request(t.url).get('/metrics').expect(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 403, instance: '/metrics' });
      expect(res.text).not.toContain('http_requests_total');
    });

    it('answers 403 to a valid key without the admin scope', async () => {
      const { key } = await createApiKey(t.dataSource, { scopes: ['read'] });
      await request(t.url).get('/metrics').set('X-API-Key', key).expect(403);
    });

    it('serves an admin key', async () => {
      const { key } = await createApiKey(t.dataSource, { scopes: ['admin'] });
      const res = await request(t.url).get('/metrics').set('X-API-Key', key).expect(200);
      expect(res.text).toContain('http_requests_total');
    });

    it('still rejects an unknown key with 401', async () => {
      await request(t.url)
        .get('/metrics')
        .set('X-API-Key', 'mdw_' + 'x'.repeat(40))
        .expect(401);
    });

    it('leaves the JSON figures and the probes public', async () => {
      await request(t.url).get('/api/v1/metrics').expect(200);
      await request(t.url).get('/health').expect(200);
    });
  });

  describe('when the client is inside an allowed range', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { METRICS_ALLOW: '10.0.0.0/8,127.0.0.0/8' } });
    });
    afterAll(() => t.close());

    it('serves the scrape without a key', async () => {
      const res = await request(t.url).get('/metrics').expect(200);
      expect(res.text).toContain('http_request_duration_seconds_bucket');
    });
  });

  describe('behind a trusted proxy', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { METRICS_ALLOW: '10.1.2.0/24', TRUST_PROXY: '1' } });
    });
    afterAll(() => t.close());

    it('judges the address the proxy saw', async () => {
      await request(t.url).get('/metrics').set('X-Forwarded-For', '10.1.2.3').expect(200);
      await request(t.url).get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(403);
    });

    it('ignores addresses a client forged further up the chain', async () => {
      await request(t.url)
        .get('/metrics')
        .set('X-Forwarded-For', '10.1.2.3, 203.0.113.9')
        .expect(403);
    });
  });
});

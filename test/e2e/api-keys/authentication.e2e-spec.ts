import request from 'supertest';

import { createApiKey } from '../../factories/api-keys';
import { startTestApp, TestApp } from '../../support/test-app';
import { AuthProbeModule } from './auth-probe.module';

const ADMIN_PATH = '/api/v1/admin/api-keys';
const PUBLIC_PATH = '/api/v1/__auth-probe';

describe('API key authentication', () => {
  let t: TestApp;
  let admin: { id: string; key: string };
  let reader: { id: string; key: string };

  beforeAll(async () => {
    t = await startTestApp({ extraModules: [AuthProbeModule] });
    admin = await createApiKey(t.dataSource, { scopes: ['admin'], name: 'admin' });
    reader = await createApiKey(t.dataSource, { scopes: ['read'], name: 'reader' });
  });
  afterAll(() => t.close());

  async function expectUnauthorized(key: string | undefined, path = ADMIN_PATH): Promise<void> {
    const req = request(t.url).get(path);
    if (key !== undefined) req.set('X-API-Key', key);
    const res = await req.expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 401,
      title: 'Unauthorized',
      detail: 'A valid API key is required in the X-API-Key header.',
      requestId: res.headers['x-request-id'],
    });
  }

  it('accepts an admin key on an admin route', async () => {
    await request(t.url).get(ADMIN_PATH).set('X-API-Key', admin.key).expect(200);
  });

  it('answers a missing key on an admin route with 401', async () => {
    await expectUnauthorized(undefined);
  });

  it('answers malformed, unknown, deactivated, revoked and expired keys with the same 401', async () => {
    const unknown = await createApiKey(t.dataSource, { scopes: ['admin'] });
    await t.dataSource.query(`DELETE FROM api_keys WHERE id = $1`, [unknown.id]);
    const inactive = await createApiKey(t.dataSource, { scopes: ['admin'], active: false });
    const expired = await createApiKey(t.dataSource, {
      scopes: ['admin'],
      expiresAt: new Date(Date.now() - 1000),
    });
    const revoked = await createApiKey(t.dataSource, { scopes: ['admin'] });
    await request(t.url)
      .delete(`${ADMIN_PATH}/${revoked.id}`)
      .set('X-API-Key', admin.key)
      .expect(204);

    for (const key of [
      'nonsense',
      'mdw_short',
      `${admin.key}x`.replace('mdw_', 'mdx_'),
      '',
      unknown.key,
      inactive.key,
      expired.key,
      revoked.key,
    ]) {
      await expectUnauthorized(key);
    }
  });

  it('lets anonymous callers and valid keys use a public route', async () => {
    const anonymous = await request(t.url).get(PUBLIC_PATH).expect(200);
    expect(anonymous.body.apiKey).toBeNull();
    const keyed = await request(t.url).get(PUBLIC_PATH).set('X-API-Key', reader.key).expect(200);
    expect(keyed.body.apiKey).toEqual({ id: reader.id, name: 'reader', scopes: ['read'] });
  });

  it('rejects a bad key even on a public route', async () => {
    await expectUnauthorized('mdw_' + 'x'.repeat(43), PUBLIC_PATH);
    await expectUnauthorized('garbage', PUBLIC_PATH);
  });

  it('never reads the key from a query parameter', async () => {
    await expectUnauthorized(undefined, `${ADMIN_PATH}?apiKey=${admin.key}`);
    await expectUnauthorized(undefined, `${ADMIN_PATH}?api_key=${admin.key}`);
  });

  it('lets an admin key use a read route (admin implies read) and refuses anonymous callers', async () => {
    const res = await request(t.url)
      .get(`${PUBLIC_PATH}/read`)
      .set('X-API-Key', admin.key)
      .expect(200);
    expect(res.body.apiKeyId).toBe(admin.id);
    await request(t.url).get(`${PUBLIC_PATH}/read`).set('X-API-Key', reader.key).expect(200);
    await expectUnauthorized(undefined, `${PUBLIC_PATH}/read`);
  });

  it('applies a controller-level scope to every handler unless one is marked @Public()', async () => {
    await expectUnauthorized(undefined, '/api/v1/__auth-probe-admin');
    await request(t.url).get('/api/v1/__auth-probe-admin').set('X-API-Key', reader.key).expect(403);
    await request(t.url).get('/api/v1/__auth-probe-admin').set('X-API-Key', admin.key).expect(200);
    await request(t.url).get('/api/v1/__auth-probe-admin/open').expect(200);
    await request(t.url)
      .get('/api/v1/__auth-probe-admin/open')
      .set('X-API-Key', reader.key)
      .expect(200);
  });

  it('answers a read key on an admin route with 403', async () => {
    const res = await request(t.url).get(ADMIN_PATH).set('X-API-Key', reader.key).expect(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain('admin');
  });

  it('lets the health probes through without any key handling', async () => {
    await request(t.url).get('/health').set('X-API-Key', 'garbage').expect(200);
    await request(t.url).get('/ready').set('X-API-Key', 'garbage').expect(200);
  });

  it('records auth.failed and auth.forbidden without the presented key', async () => {
    const guess = 'mdw_' + 'G'.repeat(43);
    await request(t.url)
      .get(ADMIN_PATH)
      .set('X-API-Key', guess)
      .set('User-Agent', 'guesser/1')
      .expect(401);
    await request(t.url).get(ADMIN_PATH).set('X-API-Key', reader.key).expect(403);
    const failed = await request(t.url)
      .get('/api/v1/admin/audit')
      .query({ action: 'auth.failed' })
      .set('X-API-Key', admin.key)
      .expect(200);
    const entry = failed.body.entries.find(
      (e: { userAgent: string }) => e.userAgent === 'guesser/1',
    );
    expect(entry).toMatchObject({
      action: 'auth.failed',
      ip: '127.0.0.1',
      actorKeyId: null,
      details: { reason: 'unknown', method: 'GET', path: ADMIN_PATH },
    });
    expect(entry.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(failed.body)).not.toContain(guess.slice(4));

    const forbidden = await request(t.url)
      .get('/api/v1/admin/audit')
      .query({ action: 'auth.forbidden' })
      .set('X-API-Key', admin.key)
      .expect(200);
    expect(forbidden.body.entries[0]).toMatchObject({
      action: 'auth.forbidden',
      apiKeyId: reader.id,
      details: { required: ['admin'], granted: ['read'] },
    });
    expect(JSON.stringify(forbidden.body)).not.toContain(reader.key);
  });

  it('records why a known key failed (revoked, expired) against that key', async () => {
    const expired = await createApiKey(t.dataSource, { expiresAt: new Date(Date.now() - 1000) });
    await request(t.url).get(ADMIN_PATH).set('X-API-Key', expired.key).expect(401);
    const res = await request(t.url)
      .get(`${ADMIN_PATH}/${expired.id}/audit`)
      .set('X-API-Key', admin.key)
      .expect(200);
    expect(res.body.entries[0]).toMatchObject({
      action: 'auth.failed',
      details: { reason: 'expired' },
    });
  });
});

import request from 'supertest';

import { LastUsedTracker } from '../../../src/api-keys/last-used.tracker';
import { createApiKey } from '../../factories/api-keys';
import { startTestApp, TestApp } from '../../support/test-app';
import { AuthProbeModule } from './auth-probe.module';

const KEYS = '/api/v1/admin/api-keys';
const PROBE = '/api/v1/__auth-probe';
const KEY_FORMAT = /^mdw_[0-9A-Za-z]{43}$/;

describe('API key management', () => {
  let t: TestApp;
  let admin: { id: string; key: string };

  beforeAll(async () => {
    t = await startTestApp({ extraModules: [AuthProbeModule] });
    admin = await createApiKey(t.dataSource, { scopes: ['admin'], name: 'root' });
  });
  afterAll(() => t.close());

  const asAdmin = {
    get: (path: string) => request(t.url).get(path).set('X-API-Key', admin.key),
    post: (path: string) => request(t.url).post(path).set('X-API-Key', admin.key),
    put: (path: string) => request(t.url).put(path).set('X-API-Key', admin.key),
    delete: (path: string) => request(t.url).delete(path).set('X-API-Key', admin.key),
  };

  async function mint(body: Record<string, unknown> = { name: 'notebook', scopes: ['read'] }) {
    const res = await asAdmin.post(KEYS).send(body).expect(201);
    return res.body as { id: string; key: string; preview: string; scopes: string[] };
  }

  it('creates a key in the documented format and shows it once', async () => {
    const res = await asAdmin
      .post(KEYS)
      .send({ name: 'notebook', scopes: ['read'] })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'notebook',
      key: expect.stringMatching(KEY_FORMAT),
      preview: expect.any(String),
      scopes: ['read'],
      active: true,
      expiresAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });
    const secret = res.body.key.slice(4);
    expect(res.body.preview).toBe(`mdw_${secret.slice(0, 4)}${secret.slice(-4)}`);

    const one = await asAdmin.get(`${KEYS}/${res.body.id}`).expect(200);
    expect(one.body.key).toBeUndefined();
    expect(one.body.preview).toBe(res.body.preview);
  });

  it('generates distinct keys', async () => {
    const keys = new Set<string>();
    for (let i = 0; i < 5; i += 1) keys.add((await mint()).key);
    expect(keys.size).toBe(5);
  });

  it('stores only a SHA-256 digest, never the key', async () => {
    const created = await mint();
    const rows = await t.dataSource.query(`SELECT * FROM api_keys WHERE id = $1`, [created.id]);
    const stored = JSON.stringify(rows[0]);
    expect(stored).not.toContain(created.key);
    expect(stored).not.toContain(created.key.slice(4));
    expect((rows[0].key_hash as Buffer).length).toBe(32);
  });

  it('never returns the key or its hash from list or get', async () => {
    const created = await mint();
    const list = await asAdmin.get(KEYS).expect(200);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(created.key);
    expect(text).not.toMatch(/hash/i);
    for (const item of list.body) {
      expect(Object.keys(item).sort()).toEqual([
        'active',
        'createdAt',
        'expiresAt',
        'id',
        'lastUsedAt',
        'name',
        'preview',
        'revokedAt',
        'scopes',
        'updatedAt',
      ]);
    }
    const one = await asAdmin.get(`${KEYS}/${created.id}`).expect(200);
    expect(JSON.stringify(one.body)).not.toMatch(/hash|"key"/i);
  });

  it('answers an unknown or malformed key id with 404', async () => {
    await asAdmin.get(`${KEYS}/00000000-0000-4000-8000-000000000000`).expect(404);
    await asAdmin.get(`${KEYS}/not-a-uuid`).expect(404);
    await asAdmin.delete(`${KEYS}/not-a-uuid`).expect(404);
  });

  it('lets a new key work at once, with its scopes', async () => {
    const created = await mint({ name: 'reader', scopes: ['read'] });
    const res = await request(t.url).get(PROBE).set('X-API-Key', created.key).expect(200);
    expect(res.body.apiKey).toEqual({ id: created.id, name: 'reader', scopes: ['read'] });
    await request(t.url).get(KEYS).set('X-API-Key', created.key).expect(403);
  });

  it('rotates: the old secret dies on the next request and the new one works', async () => {
    const created = await mint({ name: 'rotating', scopes: ['admin'] });
    await request(t.url).get(KEYS).set('X-API-Key', created.key).expect(200);
    const rotated = await asAdmin.post(`${KEYS}/${created.id}/rotate`).expect(200);
    expect(rotated.body.id).toBe(created.id);
    expect(rotated.body.key).toMatch(KEY_FORMAT);
    expect(rotated.body.key).not.toBe(created.key);
    expect(rotated.body.preview).not.toBe(created.preview);
    await request(t.url).get(KEYS).set('X-API-Key', created.key).expect(401);
    await request(t.url).get(KEYS).set('X-API-Key', rotated.body.key).expect(200);
  });

  it('revokes: 204, the next request fails, the row stays and cannot be re-activated', async () => {
    const created = await mint({ name: 'leaving', scopes: ['read'] });
    await request(t.url).get(PROBE).set('X-API-Key', created.key).expect(200);
    await asAdmin.delete(`${KEYS}/${created.id}`).expect(204);
    await request(t.url).get(PROBE).set('X-API-Key', created.key).expect(401);
    const row = await asAdmin.get(`${KEYS}/${created.id}`).expect(200);
    expect(row.body).toMatchObject({ active: false, revokedAt: expect.any(String) });
    await asAdmin.put(`${KEYS}/${created.id}`).send({ active: true }).expect(409);
    await asAdmin.post(`${KEYS}/${created.id}/rotate`).expect(409);
    const audit = await asAdmin.get(`${KEYS}/${created.id}/audit`).expect(200);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['key.created', 'key.revoked']),
    );
  });

  it('expires: a key past expiresAt fails on the next request', async () => {
    const created = await mint({
      name: 'short-lived',
      scopes: ['read'],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await request(t.url).get(PROBE).set('X-API-Key', created.key).expect(200);
    // Move the expiry into the past as another process (or time) would.
    await t.dataSource.query(
      `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [created.id],
    );
    await request(t.url).get(PROBE).set('X-API-Key', created.key).expect(401);
  });

  it('updates name, scopes, active and expiresAt', async () => {
    const created = await mint({ name: 'before', scopes: ['read'] });
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const res = await asAdmin
      .put(`${KEYS}/${created.id}`)
      .send({ name: 'after', scopes: ['read', 'admin'], expiresAt })
      .expect(200);
    expect(res.body).toMatchObject({ name: 'after', scopes: ['read', 'admin'], expiresAt });
    await request(t.url).get(KEYS).set('X-API-Key', created.key).expect(200);

    await asAdmin.put(`${KEYS}/${created.id}`).send({ active: false }).expect(200);
    await request(t.url).get(PROBE).set('X-API-Key', created.key).expect(401);
    await asAdmin.put(`${KEYS}/${created.id}`).send({ active: true, expiresAt: null }).expect(200);
    const back = await request(t.url).get(PROBE).set('X-API-Key', created.key).expect(200);
    expect(back.body.apiKey.name).toBe('after');
  });

  it('names every invalid field of a create body', async () => {
    const res = await asAdmin
      .post(KEYS)
      .send({ name: '', scopes: ['read', 'root'], expiresAt: 'tomorrow', extra: 1 })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['expiresAt', 'extra', 'name', 'scopes']);
    const missing = await asAdmin.post(KEYS).send({}).expect(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'name',
      'scopes',
    ]);
    const empty = await asAdmin.post(KEYS).send({ name: 'x', scopes: [] }).expect(400);
    expect(empty.body.errors[0].field).toBe('scopes');
    const past = await asAdmin
      .post(KEYS)
      .send({ name: 'x', scopes: ['read'], expiresAt: '2001-01-01T00:00:00Z' })
      .expect(400);
    expect(past.body.errors).toEqual([{ field: 'expiresAt', message: 'must be in the future' }]);
  });

  it('names every invalid field of an update body and refuses an empty one', async () => {
    const created = await mint();
    const res = await asAdmin
      .put(`${KEYS}/${created.id}`)
      .send({ name: 5, scopes: 'admin', active: 'yes', expiresAt: 'soon' })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'active',
      'expiresAt',
      'name',
      'scopes',
    ]);
    await asAdmin.put(`${KEYS}/${created.id}`).send({}).expect(400);
  });

  it('coalesces lastUsedAt and writes it on flush', async () => {
    const created = await mint({ name: 'used', scopes: ['read'] });
    await request(t.url).get(PROBE).set('X-API-Key', created.key).expect(200);
    const shown = await asAdmin.get(`${KEYS}/${created.id}`).expect(200);
    expect(shown.body.lastUsedAt).toEqual(expect.any(String));
    await t.app.get(LastUsedTracker).flush();
    const rows = await t.dataSource.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [
      created.id,
    ]);
    expect(rows[0].last_used_at).toBeInstanceOf(Date);
  });
});

describe('API key endpoints in the OpenAPI document', () => {
  it('documents every admin key, audit and symbol route with its key requirement and errors', async () => {
    const t = await startTestApp();
    try {
      const doc = (await request(t.url).get('/docs-json').expect(200)).body;
      const expected: [string, string][] = [
        ['/api/v1/admin/api-keys', 'post'],
        ['/api/v1/admin/api-keys', 'get'],
        ['/api/v1/admin/api-keys/{id}', 'get'],
        ['/api/v1/admin/api-keys/{id}', 'put'],
        ['/api/v1/admin/api-keys/{id}', 'delete'],
        ['/api/v1/admin/api-keys/{id}/rotate', 'post'],
        ['/api/v1/admin/api-keys/{id}/audit', 'get'],
        ['/api/v1/admin/audit', 'get'],
        ['/api/v1/admin/symbols', 'post'],
        ['/api/v1/admin/symbols/{symbol}', 'get'],
        ['/api/v1/admin/symbols/{symbol}', 'put'],
        ['/api/v1/admin/symbols/{symbol}', 'delete'],
        ['/api/v1/admin/symbols/{symbol}/timeframes', 'put'],
      ];
      for (const [path, method] of expected) {
        const operation = doc.paths[path]?.[method];
        expect({ path, method, documented: Boolean(operation) }).toEqual({
          path,
          method,
          documented: true,
        });
        expect(operation.security).toEqual([{ 'api-key': [] }]);
        expect(Object.keys(operation.responses)).toEqual(
          expect.arrayContaining(['401', '403', '429']),
        );
      }
      const auditParams = doc.paths['/api/v1/admin/audit'].get.parameters.map(
        (p: { name: string }) => p.name,
      );
      expect(auditParams.sort()).toEqual(['action', 'cursor', 'limit', 'since', 'until']);
      const created = doc.components.schemas.ApiKeyResponse.properties;
      expect(created.key).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe('several processes on one database', () => {
  it('revokes, rotates and deactivates for every process on the next request', async () => {
    const a = await startTestApp({ extraModules: [AuthProbeModule] });
    const b = await startTestApp({ extraModules: [AuthProbeModule], databaseUrl: a.databaseUrl });
    try {
      const admin = await createApiKey(a.dataSource, { scopes: ['admin'] });
      const victim = await createApiKey(a.dataSource, { scopes: ['read'] });
      const rotating = await createApiKey(a.dataSource, { scopes: ['read'] });
      const paused = await createApiKey(a.dataSource, { scopes: ['read'] });
      for (const k of [victim, rotating, paused]) {
        await request(b.url).get(PROBE).set('X-API-Key', k.key).expect(200);
      }
      await request(a.url).delete(`${KEYS}/${victim.id}`).set('X-API-Key', admin.key).expect(204);
      await request(a.url)
        .post(`${KEYS}/${rotating.id}/rotate`)
        .set('X-API-Key', admin.key)
        .expect(200);
      await request(a.url)
        .put(`${KEYS}/${paused.id}`)
        .set('X-API-Key', admin.key)
        .send({ active: false })
        .expect(200);
      for (const k of [victim, rotating, paused]) {
        await request(b.url).get(PROBE).set('X-API-Key', k.key).expect(401);
      }
    } finally {
      await b.close();
      await a.close();
    }
  });
});

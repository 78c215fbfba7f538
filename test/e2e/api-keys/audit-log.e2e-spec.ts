import request from 'supertest';

import { AuditService } from '../../../src/api-keys/audit.service';
import { createApiKey } from '../../factories/api-keys';
import { startTestApp, TestApp } from '../../support/test-app';

const KEYS = '/api/v1/admin/api-keys';
const AUDIT = '/api/v1/admin/audit';

describe('audit log', () => {
  let t: TestApp;
  let admin: { id: string; key: string };
  const secrets: string[] = [];
  let target: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '1' } });
    admin = await createApiKey(t.dataSource, { scopes: ['admin'] });
    secrets.push(admin.key);
    const as = (req: request.Test) =>
      req
        .set('X-API-Key', admin.key)
        .set('User-Agent', 'audit-test/1')
        .set('X-Forwarded-For', '203.0.113.7');
    const created = await as(request(t.url).post(KEYS))
      .send({ name: 'audited', scopes: ['read'] })
      .expect(201);
    target = created.body.id;
    secrets.push(created.body.key);
    await as(request(t.url).put(`${KEYS}/${target}`))
      .send({ name: 'audited-2' })
      .expect(200);
    const rotated = await as(request(t.url).post(`${KEYS}/${target}/rotate`)).expect(200);
    secrets.push(rotated.body.key);
    await as(request(t.url).delete(`${KEYS}/${target}`)).expect(204);
  });
  afterAll(() => t.close());

  const asAdmin = (path: string) => request(t.url).get(path).set('X-API-Key', admin.key);

  it('records each key action with target, actor, client IP, user agent and request id', async () => {
    const res = await asAdmin(`${KEYS}/${target}/audit`).expect(200);
    expect(res.body.entries.map((e: { action: string }) => e.action)).toEqual([
      'key.revoked',
      'key.rotated',
      'key.updated',
      'key.created',
    ]);
    for (const entry of res.body.entries) {
      expect(entry).toEqual({
        id: expect.any(String),
        action: expect.any(String),
        apiKeyId: target,
        actorKeyId: admin.id,
        ip: '203.0.113.7',
        userAgent: 'audit-test/1',
        requestId: expect.any(String),
        details: expect.any(Object),
        createdAt: expect.stringMatching(/Z$/),
      });
    }
    expect(res.body.entries[2].details.changed).toEqual({
      name: { from: 'audited', to: 'audited-2' },
    });
  });

  it('never stores a key or a hash anywhere in the audit table', async () => {
    const rows = await t.dataSource.query(`SELECT * FROM api_key_audit`);
    const text = JSON.stringify(rows);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(4));
    }
    const hashes = await t.dataSource.query(`SELECT encode(key_hash, 'hex') AS h FROM api_keys`);
    for (const { h } of hashes) expect(text).not.toContain(h);
  });

  it('strips secret-looking fields that a caller passes in details', async () => {
    await t.app.get(AuditService).record({
      action: 'test.probe',
      details: {
        key: 'mdw_leak',
        nested: { keyHash: 'abc', secret: 's', kept: 1 },
        list: [{ hash: 'h' }],
      },
    });
    const res = await asAdmin(AUDIT).query({ action: 'test.probe' }).expect(200);
    expect(res.body.entries[0].details).toEqual({ nested: { kept: 1 }, list: [{}] });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows in the database', async () => {
    await expect(t.dataSource.query(`UPDATE api_key_audit SET action = 'forged'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.query(`DELETE FROM api_key_audit`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`TRUNCATE api_key_audit`)).rejects.toThrow(/append-only/);
    const rows = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM api_key_audit WHERE action = 'forged'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('filters by action and time window', async () => {
    const created = await asAdmin(AUDIT).query({ action: 'key.created' }).expect(200);
    expect(created.body.entries.length).toBeGreaterThan(0);
    for (const e of created.body.entries) expect(e.action).toBe('key.created');

    const future = await asAdmin(AUDIT).query({ since: '2999-01-01' }).expect(200);
    expect(future.body).toEqual({ entries: [], nextCursor: null });
    const past = await asAdmin(AUDIT).query({ until: '2000-01-01T00:00:00Z' }).expect(200);
    expect(past.body.entries).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    const window = await asAdmin(AUDIT).query({ since: today, until: today }).expect(200);
    expect(window.body.entries.length).toBeGreaterThan(0);
  });

  it('pages newest first with a cursor, every entry once', async () => {
    const all = await asAdmin(AUDIT).query({ limit: 500 }).expect(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { limit: 2 };
      if (cursor) query.cursor = cursor;
      const page = await asAdmin(AUDIT).query(query).expect(200);
      expect(page.body.entries.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.entries.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.entries.map((e: { id: string }) => e.id));
    const ids = seen.map(Number);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
  });

  it('names every invalid query parameter', async () => {
    const res = await asAdmin(AUDIT)
      .query({ limit: 0, cursor: 'abc', since: 'yesterday', action: 'DROP TABLE', page: 2 })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'action',
      'cursor',
      'limit',
      'page',
      'since',
    ]);
    const reversed = await asAdmin(AUDIT)
      .query({ since: '2024-02-01', until: '2024-01-01' })
      .expect(400);
    expect(reversed.body.errors[0].field).toBe('since');
  });

  it('answers the audit of an unknown key with 404', async () => {
    await asAdmin(`${KEYS}/00000000-0000-4000-8000-000000000000/audit`).expect(404);
  });
});

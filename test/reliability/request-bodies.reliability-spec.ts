import request from 'supertest';

import { createApiKey } from '../factories/api-keys';
import { startTestApp, TestApp } from '../support/test-app';
import { expectProblem } from './support/problem';

/**
 * Item 2 (bodies) and malformed URLs: whatever arrives, the answer is a 4xx problem+json that
 * says what was wrong, with no parser internals, and the server stays responsive.
 */
describe('hostile request bodies and URLs', () => {
  let t: TestApp;
  let admin: string;
  const post = (body: string, type = 'application/json') =>
    request(t.url)
      .post('/api/v1/admin/symbols')
      .set('X-API-Key', admin)
      .set('Content-Type', type)
      .send(body);

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers a 2 MB body with 413', async () => {
    const res = await post(JSON.stringify({ symbol: 'AAPL', name: 'x'.repeat(2 * 1024 * 1024) }));
    expectProblem(res, 413);
  });

  it('answers malformed JSON with 400 and no parser internals', async () => {
    for (const body of ['{"symbol": ', '{"symbol":"AAPL",}', '[1,2', '\u0000', 'nul']) {
      const res = await post(body);
      expectProblem(res, 400);
      expect(res.body.detail).toBe('The request body is not valid JSON.');
    }
  });

  it.each([
    ['arrays', '['.repeat(50_000) + ']'.repeat(50_000)],
    ['objects', '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000)],
  ])('answers %s nested 50,000 levels deep with a 400 that says why', async (_kind, body) => {
    expect(Buffer.byteLength(body)).toBeLessThan(1_048_576);
    const res = await post(body);
    expectProblem(res, 400);
    expect(res.body.detail).toMatch(/nests objects and arrays deeper than 32 levels/);
    expect(res.body.errors).toEqual([{ field: 'body', message: expect.any(String) }]);
    await request(t.url).get('/health').expect(200);
  });

  it('answers a body with 100,000 keys with a 400 that says why', async () => {
    const body = `{${Array.from({ length: 100_000 }, (_, i) => `"${i}":1`).join(',')}}`;
    expect(Buffer.byteLength(body)).toBeLessThan(1_048_576);
    const res = await post(body);
    expectProblem(res, 400);
    expect(res.body.detail).toMatch(/more than 1000 object keys/);
  });

  it('answers an unknown property with 400 naming it', async () => {
    const res = await post(JSON.stringify({ symbol: 'AAPL', assetClass: 'stocks', admin: true }));
    expectProblem(res, 400);
    expect(res.body.errors).toContainEqual({ field: 'admin', message: expect.any(String) });
  });

  it.each([
    ['text/plain', '{"symbol":"AAPL"}'],
    ['application/x-www-form-urlencoded', 'symbol=AAPL'],
    ['application/xml', '<symbol>AAPL</symbol>'],
  ])('answers a %s body with 415', async (type, body) => {
    const res = await post(body, type);
    expectProblem(res, 415);
  });

  it.each(['/api/v1/admin/api-keys/%', '/api/v1/historical/%E0%A4%A', '/api/v1/symbols/%zz'])(
    'answers the malformed percent-encoding of %s with 400 problem+json',
    async (path) => {
      const res = await request(t.url).get(path).set('X-API-Key', admin);
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'path', message: expect.any(String) }]);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    },
  );
});

import request from 'supertest';

import { ProbeModule } from '../../support/probe.module';
import { startTestApp, TestApp } from '../../support/test-app';

describe('platform behaviour', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      extraModules: [ProbeModule],
      env: { CORS_ORIGINS: 'https://charts.example' },
    });
  });
  afterAll(() => t.close());

  it('answers /health without the database', async () => {
    const res = await request(t.url).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /ready with the database and migration checks', async () => {
    const res = await request(t.url).get('/ready').expect(200);
    expect(res.body.status).toBe('ready');
    expect(res.body.checks.database.status).toBe('up');
    expect(res.body.checks.migrations.status).toBe('up');
  });

  it('answers an unknown route with a 404 problem+json', async () => {
    const res = await request(t.url).get('/api/v1/nothing-here').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: expect.stringContaining('not-found'),
      title: 'Not Found',
      status: 404,
      instance: '/api/v1/nothing-here',
      requestId: res.headers['x-request-id'],
    });
    expect(res.body.detail).toContain('GET /api/v1/nothing-here');
  });

  it('generates a request id when the client sends none', async () => {
    const res = await request(t.url).get('/health');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a safe client request id', async () => {
    const res = await request(t.url).get('/health').set('X-Request-Id', 'client-abc.123:7');
    expect(res.headers['x-request-id']).toBe('client-abc.123:7');
  });

  it('replaces an unsafe or overlong client request id', async () => {
    const unsafe = await request(t.url).get('/health').set('X-Request-Id', 'bad id<script>');
    expect(unsafe.headers['x-request-id']).not.toContain('script');
    const long = await request(t.url).get('/health').set('X-Request-Id', 'a'.repeat(129));
    expect(long.headers['x-request-id']).toHaveLength(36);
  });

  it('lists every invalid body field in errors[]', async () => {
    const res = await request(t.url)
      .post('/__probe/echo')
      .send({ name: '', count: 99 })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['count', 'name']);
    for (const error of res.body.errors) expect(typeof error.message).toBe('string');
  });

  it('rejects unknown body properties', async () => {
    const res = await request(t.url)
      .post('/__probe/echo')
      .send({ name: 'x', count: 1, admin: true })
      .expect(400);
    expect(res.body.errors).toEqual([
      { field: 'admin', message: expect.stringContaining('unknown') },
    ]);
  });

  it('rejects unknown query parameters', async () => {
    const res = await request(t.url).get('/__probe/slow?ms=1&limt=5').expect(400);
    expect(res.body.errors[0].field).toBe('limt');
  });

  it('accepts a valid body', async () => {
    const res = await request(t.url)
      .post('/__probe/echo')
      .send({ name: 'ok', count: 2 })
      .expect(201);
    expect(res.body).toEqual({ name: 'ok', count: 2 });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await request(t.url)
      .post('/__probe/echo')
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers a body over the limit with 413 problem+json', async () => {
    const res = await request(t.url)
      .post('/__probe/echo')
      .send({ name: 'x'.repeat(2 * 1024 * 1024), count: 1 })
      .expect(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(413);
  });

  it('never leaks internals in a 500', async () => {
    const res = await request(t.url).get('/__probe/crash').expect(500);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/secret_table|relation|\/srv\/|\.js|at /);
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
    const ui = await request(t.url).get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
    const doc = await request(t.url).get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.paths['/health']).toBeDefined();
  });

  it('compresses bodies over 1 KiB when the client accepts it', async () => {
    const res = await request(t.url).get('/docs-json').set('Accept-Encoding', 'gzip');
    expect(res.headers['content-encoding']).toBe('gzip');
    const br = await request(t.url).get('/docs-json').set('Accept-Encoding', 'br');
    expect(br.headers['content-encoding']).toBe('br');
  });

  it('does not compress small bodies', async () => {
    const res = await request(t.url).get('/health').set('Accept-Encoding', 'gzip');
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('sets security headers (helmet)', async () => {
    const res = await request(t.url).get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
  });

  it('allows only the configured CORS origins', async () => {
    const allowed = await request(t.url).get('/health').set('Origin', 'https://charts.example');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://charts.example');
    const other = await request(t.url).get('/health').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('graceful close', () => {
  it('lets an in-flight request finish before the app closes', async () => {
    const t = await startTestApp({ extraModules: [ProbeModule] });
    // supertest sends lazily: .then() starts the request now.
    const inFlight = request(t.url)
      .get('/__probe/slow?ms=700')
      .then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = t.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ waited: 700 });
    await closing;
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';

import request from 'supertest';

import { dashboardBuildDir } from '../../../src/dashboard/dashboard-build';
import { startTestApp, TestApp } from '../../support/test-app';

/** The API serves the dashboard's build (made by the global setup's `npm run build`). */
describe('GET /dashboard', () => {
  let app: TestApp;
  const build = dashboardBuildDir();
  const bundle = fs.readdirSync(path.join(build, 'assets')).find((f) => f.endsWith('.js'))!;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('redirects /dashboard to /dashboard/, keeping the query (the view it names)', async () => {
    const response = await request(app.url).get('/dashboard?view=chart&symbol=AAPL');
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('/dashboard/?view=chart&symbol=AAPL');
  });

  it('serves index.html as HTML that is always revalidated, with an ETag and 304', async () => {
    const response = await request(app.url).get('/dashboard/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.text).toContain(`./assets/${bundle}`);
    const etag = response.headers.etag;
    expect(etag).toBeTruthy();
    const again = await request(app.url).get('/dashboard/').set('If-None-Match', etag);
    expect(again.status).toBe(304);
  });

  it('serves hashed bundles as JavaScript cached for a year, compressed', async () => {
    const response = await request(app.url)
      .get(`/dashboard/assets/${bundle}`)
      .set('Accept-Encoding', 'gzip');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers.etag).toBeTruthy();
  });

  it('answers a missing file with the API 404 problem', async () => {
    const response = await request(app.url).get('/dashboard/assets/nope-12345678.js');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('sends a CSP without inline scripts or styles and nothing that needs HTTPS', async () => {
    const response = await request(app.url).get('/dashboard/');
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.headers['cross-origin-opener-policy']).toBeUndefined();
    expect(response.headers['origin-agent-cluster']).toBeUndefined();
    const docs = await request(app.url).get('/docs');
    expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });
});

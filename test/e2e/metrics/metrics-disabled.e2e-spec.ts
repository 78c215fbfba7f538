import request from 'supertest';

import { startTestApp, TestApp } from '../../support/test-app';
import { parsePrometheusSamples } from './prometheus-samples';

describe('METRICS_ENABLED=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_ENABLED: 'false' } });
  });
  afterAll(() => t.close());

  it('stops recording requests but still serves /metrics and /api/v1/metrics', async () => {
    await request(t.url).get('/ready').expect(200);
    await request(t.url).get('/ready').expect(200);
    const samples = parsePrometheusSamples((await request(t.url).get('/metrics').expect(200)).text);
    expect(samples.filter((s) => s.name === 'http_requests_total')).toEqual([]);
    // The other figures are still there.
    expect(samples.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
    const json = (await request(t.url).get('/api/v1/metrics').expect(200)).body;
    expect(json.requests.count).toBe(0);
    expect(json.database.pool.total).toBeGreaterThanOrEqual(1);
  });
});

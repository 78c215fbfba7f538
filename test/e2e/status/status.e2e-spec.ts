import request from 'supertest';

import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

describe('GET /api/v1/status', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: { BACKFILL_SCHEDULE_HOUR: '3', BACKFILL_SCHEDULE_MINUTE: '15' },
    });
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL' },
      { symbol: 'MSFT' },
      { symbol: 'OLD', active: false },
    ]);
    await insertBars(t.dataSource, 'AAPL', '1d', makeBars(Date.UTC(2024, 0, 2, 5), 5, 86_400_000));
    await insertBars(t.dataSource, 'MSFT', '1m', makeBars(Date.UTC(2024, 0, 8, 14, 30), 7, 60_000));
  });
  afterAll(() => t.close());

  it('reports version, database, data and schedule', async () => {
    const res = await request(t.url).get('/api/v1/status').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      version: expect.any(String),
      uptimeSeconds: expect.any(Number),
      database: { status: 'up', latencyMs: expect.any(Number) },
      data: {
        symbols: 3,
        activeSymbols: 2,
        bars: 12,
        latestBarAt: '2024-01-08T14:36:00.000Z',
        source: 'synthetic',
      },
      scheduler: {
        enabled: false,
        cron: '15 3 * * *',
        timezone: 'UTC',
        nextRunAt: null,
        lastRun: null,
      },
    });
  });
});

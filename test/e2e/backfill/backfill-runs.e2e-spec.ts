import request from 'supertest';

import { createApiKey } from '../../factories/api-keys';
import { insertSymbols } from '../../factories/symbols';
import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../../fake-polygon/fake-polygon-env';
import { startTestApp, TestApp } from '../../support/test-app';
import { backfill, storedBars } from './backfill-helpers';

describe('backfill runs through the admin API', () => {
  let fake: FakePolygon;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    fake = await startFakePolygon({
      pageSize: 500,
      splits: { AAPL: [{ execution_date: '2020-08-31', split_from: 1, split_to: 4 }] },
      dividends: {
        AAPL: [
          { ex_dividend_date: '2024-02-09', pay_date: '2024-02-15', cash_amount: 0.24 },
          { ex_dividend_date: '2023-11-10', pay_date: '2023-11-16', cash_amount: 0.24 },
        ],
      },
    });
    t = await startTestApp({
      env: fakePolygonEnv(fake),
    });
    admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL', timeframes: ['1d', '1m'] },
      { symbol: 'MSFT', timeframes: ['1d'] },
      { symbol: 'X:BTCUSD', assetClass: 'crypto', timeframes: ['1d'] },
    ]);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('stores a multi-page minute backfill equal bar for bar to the upstream', async () => {
    const run = await backfill(t.url, admin, {
      symbols: ['aapl'],
      timeframes: ['1m'],
      from: '2024-03-04',
      to: '2024-03-08',
    });
    expect(run.status).toBe('succeeded');
    const expected = fake.expectedBars('AAPL', '1m', '2024-03-04', '2024-03-08');
    expect(expected.length).toBeGreaterThan(1500);
    expect(run.series).toEqual([
      expect.objectContaining({
        symbol: 'AAPL',
        timeframe: '1m',
        status: 'succeeded',
        barsFetched: expected.length,
        barsWritten: expected.length,
        pages: Math.ceil(expected.length / 500),
      }),
    ]);
    expect(await storedBars(t.dataSource, 'AAPL', '1m')).toEqual(expected);
    const pages = fake.aggregateRequests('AAPL').filter((r) => r.query.cursor !== undefined);
    expect(pages.length).toBeGreaterThan(1);
  });

  it("stores a stock's splits and dividends before its bars", async () => {
    const splits = await t.dataSource.query(
      `SELECT symbol, execution_date::text AS date, split_from::float8 AS "from",
              split_to::float8 AS "to" FROM splits`,
    );
    expect(splits).toEqual([{ symbol: 'AAPL', date: '2020-08-31', from: 1, to: 4 }]);
    const dividends = await t.dataSource.query(
      `SELECT ex_dividend_date::text AS ex, cash_amount::float8 AS cash FROM dividends
        WHERE symbol = 'AAPL' ORDER BY ex_dividend_date`,
    );
    expect(dividends).toEqual([
      { ex: '2023-11-10', cash: 0.24 },
      { ex: '2024-02-09', cash: 0.24 },
    ]);
  });

  it('writes nothing new when the same window is backfilled again', async () => {
    const run = await backfill(t.url, admin, {
      symbols: ['AAPL'],
      timeframes: ['1m'],
      from: '2024-03-04',
      to: '2024-03-08',
    });
    expect(run.status).toBe('succeeded');
    expect(run.barsFetched).toBeGreaterThan(1500);
    expect(run.barsWritten).toBe(0);
  });

  it('backfills several symbols and reports per-series progress', async () => {
    const run = await backfill(t.url, admin, {
      timeframes: ['1d'],
      from: '2024-01-02',
      to: '2024-03-28',
    });
    expect(run.status).toBe('succeeded');
    expect(run.progress).toEqual({ seriesDone: 3, seriesTotal: 3, percent: 100 });
    expect(run.series.map((s) => `${s.symbol}/${s.timeframe}/${s.status}`)).toEqual([
      'AAPL/1d/succeeded',
      'MSFT/1d/succeeded',
      'X:BTCUSD/1d/succeeded',
    ]);
    for (const symbol of ['AAPL', 'MSFT', 'X:BTCUSD']) {
      expect(await storedBars(t.dataSource, symbol, '1d')).toEqual(
        fake.expectedBars(symbol, '1d', '2024-01-02', '2024-03-28'),
      );
    }
    const btc = await storedBars(t.dataSource, 'X:BTCUSD', '1d');
    expect(btc).toHaveLength(87); // every UTC day, weekends included
  });

  it('lists runs newest first with status and symbol filters', async () => {
    const all = await request(t.url)
      .get('/api/v1/admin/backfill/runs')
      .set('X-API-Key', admin)
      .expect(200);
    expect(all.body.total).toBe(3);
    expect(all.body.runs[0].symbols).toEqual(['AAPL', 'MSFT', 'X:BTCUSD']);
    const msft = await request(t.url)
      .get('/api/v1/admin/backfill/runs?symbol=msft&status=succeeded')
      .set('X-API-Key', admin)
      .expect(200);
    expect(msft.body.runs).toHaveLength(1);
    const failed = await request(t.url)
      .get('/api/v1/admin/backfill/runs?status=failed')
      .set('X-API-Key', admin)
      .expect(200);
    expect(failed.body.runs).toEqual([]);
  });

  it('rejects unknown symbols, listing them', async () => {
    const res = await request(t.url)
      .post('/api/v1/admin/backfill')
      .set('X-API-Key', admin)
      .send({ symbols: ['AAPL', 'NOPE', 'ZZZ'] })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.errors).toEqual([
      { field: 'symbols', message: expect.stringContaining('NOPE, ZZZ') },
    ]);
  });

  it('lists every invalid field of a backfill request', async () => {
    const res = await request(t.url)
      .post('/api/v1/admin/backfill')
      .set('X-API-Key', admin)
      .send({ symbols: ['bad symbol!'], timeframes: ['5m'], from: '2024-02-30', extra: 1 })
      .expect(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['extra', 'from', 'symbols', 'timeframes']);
  });

  it('rejects a start after the end', async () => {
    const res = await request(t.url)
      .post('/api/v1/admin/backfill')
      .set('X-API-Key', admin)
      .send({ from: '2024-03-02', to: '2024-03-01' })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'from', message: 'must not be after to' }]);
  });

  it('requires an admin key', async () => {
    await request(t.url).post('/api/v1/admin/backfill').send({}).expect(401);
    const reader = await createApiKey(t.dataSource, { scopes: ['read'] });
    await request(t.url)
      .get('/api/v1/admin/backfill/runs')
      .set('X-API-Key', reader.key)
      .expect(403);
  });

  it('answers 404 for an unknown run', async () => {
    await request(t.url)
      .get('/api/v1/admin/backfill/runs/4b0c8f8e-8c52-4d7c-9d36-2b8b8f6f0000')
      .set('X-API-Key', admin)
      .expect(404);
  });

  it('records who triggered a backfill in the audit log', async () => {
    const rows = await t.dataSource.query(
      `SELECT details FROM api_key_audit WHERE action = 'backfill.triggered' ORDER BY id`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows[0].details).toMatchObject({ trigger: 'manual', symbols: ['aapl'] });
  });

  it('documents the backfill and gap endpoints in the OpenAPI document', async () => {
    const res = await request(t.url).get('/docs-json').expect(200);
    const paths = res.body.paths;
    expect(Object.keys(paths['/api/v1/admin/backfill'])).toEqual(['post']);
    expect(paths['/api/v1/admin/backfill'].post.responses).toHaveProperty('202');
    expect(paths['/api/v1/admin/backfill'].post.responses).toHaveProperty('400');
    expect(
      paths['/api/v1/admin/backfill/runs'].get.parameters.map((p: { name: string }) => p.name),
    ).toEqual(expect.arrayContaining(['status', 'symbol', 'limit', 'offset']));
    expect(paths['/api/v1/admin/backfill/runs/{id}'].get.responses).toHaveProperty('404');
    expect(paths['/api/v1/admin/gaps'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['symbol', 'status']),
    );
    expect(paths['/api/v1/admin/gaps/repair'].post.responses).toHaveProperty('202');
  });
});

import request from 'supertest';

import { createApiKey } from '../../factories/api-keys';
import { startTestApp, TestApp } from '../../support/test-app';

const SYMBOLS = '/api/v1/admin/symbols';

describe('admin symbols', () => {
  let t: TestApp;
  let admin: { id: string; key: string };
  let reader: { id: string; key: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createApiKey(t.dataSource, { scopes: ['admin'] });
    reader = await createApiKey(t.dataSource, { scopes: ['read'] });
  });
  afterAll(() => t.close());

  const post = (body: unknown) =>
    request(t.url)
      .post(SYMBOLS)
      .set('X-API-Key', admin.key)
      .send(body as object);
  const get = (symbol: string) =>
    request(t.url).get(`${SYMBOLS}/${symbol}`).set('X-API-Key', admin.key);
  const put = (path: string, body: unknown) =>
    request(t.url)
      .put(`${SYMBOLS}/${path}`)
      .set('X-API-Key', admin.key)
      .send(body as object);
  const fieldsOf = (res: request.Response) =>
    (res.body.errors as { field: string }[]).map((e) => e.field).sort();

  it('creates a stock with XNYS/New York defaults, upper-casing the symbol', async () => {
    const res = await post({
      symbol: 'brk.b',
      name: 'Berkshire B',
      assetClass: 'stocks',
      timeframes: ['1d', '1m'],
    }).expect(201);
    expect(res.body).toMatchObject({
      symbol: 'BRK.B',
      name: 'Berkshire B',
      assetClass: 'stocks',
      exchange: 'XNYS',
      currency: 'USD',
      timeZone: 'America/New_York',
      timeframes: ['1m', '1d'],
      backfillFrom: null,
      active: true,
    });
    expect(res.body.backfill.map((s: { timeframe: string }) => s.timeframe)).toEqual(['1m', '1d']);
    expect(res.body.backfill[0]).toEqual({
      timeframe: '1m',
      lastBarAt: null,
      coveredTo: null,
      lastRun: null,
    });
  });

  it('creates a crypto pair in UTC quoted in the pair currency', async () => {
    const res = await post({
      symbol: 'x:etheur',
      assetClass: 'crypto',
      timeframes: ['1d'],
      backfillFrom: '2023-01-01',
    }).expect(201);
    expect(res.body).toMatchObject({
      symbol: 'X:ETHEUR',
      exchange: null,
      currency: 'EUR',
      timeZone: 'UTC',
      backfillFrom: '2023-01-01',
    });
  });

  it('answers a duplicate with 409, whatever the case', async () => {
    await post({ symbol: 'MSFT', assetClass: 'stocks', timeframes: ['1d'] }).expect(201);
    const res = await post({ symbol: 'msft', assetClass: 'stocks', timeframes: ['1m'] }).expect(
      409,
    );
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain('MSFT');
  });

  it('names every invalid field of a create body', async () => {
    const res = await post({
      symbol: 'BAD SYMBOL!',
      name: '',
      assetClass: 'bonds',
      exchange: 'new york',
      timeframes: ['5m'],
      backfillFrom: '2020-13-45',
      colour: 'red',
    }).expect(400);
    expect(fieldsOf(res)).toEqual([
      'assetClass',
      'backfillFrom',
      'colour',
      'exchange',
      'name',
      'symbol',
      'timeframes',
    ]);
    const empty = await post({}).expect(400);
    expect(fieldsOf(empty)).toEqual(['assetClass', 'symbol', 'timeframes']);
    const noTimeframes = await post({ symbol: 'A', assetClass: 'stocks', timeframes: [] }).expect(
      400,
    );
    expect(fieldsOf(noTimeframes)).toEqual(['timeframes']);
    const future = await post({
      symbol: 'A',
      assetClass: 'stocks',
      timeframes: ['1d'],
      backfillFrom: '2999-01-01',
    }).expect(400);
    expect(future.body.errors).toEqual([
      { field: 'backfillFrom', message: 'must not be in the future' },
    ]);
    const zone = await post({
      symbol: 'A',
      assetClass: 'stocks',
      timeframes: ['1d'],
      timeZone: 'Mars/Base',
    }).expect(400);
    expect(fieldsOf(zone)).toEqual(['timeZone']);
  });

  it('needs an admin key', async () => {
    await request(t.url)
      .post(SYMBOLS)
      .send({ symbol: 'Z', assetClass: 'stocks', timeframes: ['1d'] })
      .expect(401);
    await request(t.url)
      .post(SYMBOLS)
      .set('X-API-Key', reader.key)
      .send({ symbol: 'Z', assetClass: 'stocks', timeframes: ['1d'] })
      .expect(403);
    await request(t.url).get(`${SYMBOLS}/MSFT`).set('X-API-Key', reader.key).expect(403);
  });

  it('answers an unknown symbol with 404', async () => {
    await get('NOPE').expect(404);
    await put('NOPE', { name: 'x' }).expect(404);
    await request(t.url).delete(`${SYMBOLS}/NOPE`).set('X-API-Key', admin.key).expect(404);
  });

  it('updates metadata and names every invalid field', async () => {
    await post({ symbol: 'IBM', assetClass: 'stocks', timeframes: ['1d'] }).expect(201);
    const res = await put('ibm', {
      name: 'IBM Corp',
      exchange: 'XNAS',
      backfillFrom: '2010-01-04',
    }).expect(200);
    expect(res.body).toMatchObject({
      symbol: 'IBM',
      name: 'IBM Corp',
      exchange: 'XNAS',
      backfillFrom: '2010-01-04',
    });
    const bad = await put('IBM', {
      name: 7,
      assetClass: 'bonds',
      active: 'no',
      timeframes: ['1d'],
    }).expect(400);
    expect(fieldsOf(bad)).toEqual(['active', 'assetClass', 'name', 'timeframes']);
    await put('IBM', {}).expect(400);
  });

  it('replaces the base timeframes', async () => {
    await post({ symbol: 'ORCL', assetClass: 'stocks', timeframes: ['1d'] }).expect(201);
    const res = await put('ORCL/timeframes', { timeframes: ['1d', '1m'] }).expect(200);
    expect(res.body.timeframes).toEqual(['1m', '1d']);
    const bad = await put('ORCL/timeframes', { timeframes: ['1h'] }).expect(400);
    expect(fieldsOf(bad)).toEqual(['timeframes']);
    const none = await put('ORCL/timeframes', {}).expect(400);
    expect(fieldsOf(none)).toEqual(['timeframes']);
  });

  it('deactivates with 204, keeps bars and the row, and can reactivate', async () => {
    await post({ symbol: 'GE', assetClass: 'stocks', timeframes: ['1d'] }).expect(201);
    await t.dataSource.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, source)
       VALUES ('GE', '1d', '2024-01-02T05:00:00Z', 1, 2, 0.5, 1.5, 100, 'test')`,
    );
    await t.dataSource.query(
      `INSERT INTO series_watermarks (symbol, timeframe, last_bar_at, covered_to)
       VALUES ('GE', '1d', '2024-01-02T05:00:00Z', '2024-01-03T00:00:00Z')`,
    );
    await request(t.url).delete(`${SYMBOLS}/ge`).set('X-API-Key', admin.key).expect(204);
    const res = await get('GE').expect(200);
    expect(res.body.active).toBe(false);
    expect(res.body.backfill).toEqual([
      {
        timeframe: '1d',
        lastBarAt: '2024-01-02T05:00:00.000Z',
        coveredTo: '2024-01-03T00:00:00.000Z',
        lastRun: null,
      },
    ]);
    const bars = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM bars WHERE symbol = 'GE'`,
    );
    expect(bars[0].n).toBe(1);
    await request(t.url).delete(`${SYMBOLS}/GE`).set('X-API-Key', admin.key).expect(204);
    const back = await put('GE', { active: true }).expect(200);
    expect(back.body.active).toBe(true);
  });

  it('shows the latest backfill run of each series', async () => {
    await post({ symbol: 'AMD', assetClass: 'stocks', timeframes: ['1d'] }).expect(201);
    const [older] = await t.dataSource.query(
      `INSERT INTO backfill_runs (trigger, status, created_at) VALUES ('manual', 'failed', now() - interval '1 day') RETURNING id`,
    );
    const [newer] = await t.dataSource.query(
      `INSERT INTO backfill_runs (trigger, status) VALUES ('schedule', 'succeeded') RETURNING id`,
    );
    await t.dataSource.query(
      `INSERT INTO backfill_run_series (run_id, symbol, timeframe, status, bars_fetched, bars_written)
       VALUES ($1, 'AMD', '1d', 'failed', 0, 0), ($2, 'AMD', '1d', 'succeeded', 250, 250)`,
      [older.id, newer.id],
    );
    const res = await get('amd').expect(200);
    expect(res.body.backfill[0].lastRun).toMatchObject({
      runId: newer.id,
      trigger: 'schedule',
      status: 'succeeded',
      barsFetched: 250,
      barsWritten: 250,
    });
  });

  it('audits symbol.created, symbol.updated and symbol.deactivated with the actor', async () => {
    await post({ symbol: 'NVDA', assetClass: 'stocks', timeframes: ['1d'] }).expect(201);
    await put('NVDA', { name: 'NVIDIA' }).expect(200);
    await request(t.url).delete(`${SYMBOLS}/NVDA`).set('X-API-Key', admin.key).expect(204);
    const res = await request(t.url)
      .get('/api/v1/admin/audit')
      .set('X-API-Key', admin.key)
      .expect(200);
    const about = res.body.entries.filter(
      (e: { details: { symbol?: string } }) => e.details.symbol === 'NVDA',
    );
    expect(about.map((e: { action: string }) => e.action)).toEqual([
      'symbol.deactivated',
      'symbol.updated',
      'symbol.created',
    ]);
    for (const entry of about)
      expect(entry).toMatchObject({ actorKeyId: admin.id, ip: '127.0.0.1' });
    expect(about[1].details.changed).toEqual({ name: { from: null, to: 'NVIDIA' } });
  });
});

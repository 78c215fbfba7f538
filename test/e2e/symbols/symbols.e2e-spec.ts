import request from 'supertest';

import { SeriesChanges } from '../../../src/common/series-changes';
import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

const DAY = 86_400_000;

describe('GET /api/v1/symbols', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL', name: 'Apple Inc.' },
      { symbol: 'AMZN', name: 'Amazon.com Inc.', timeframes: ['1d'] },
      { symbol: 'MSFT', name: 'Microsoft Corporation' },
      { symbol: 'X:BTCUSD', name: 'Bitcoin - United States Dollar', assetClass: 'crypto' },
      { symbol: 'OLD', name: 'Delisted Apple Supplier', active: false },
      { symbol: 'PCT', name: '100% Literal_Name' },
    ]);
    const daily = makeBars(Date.UTC(2024, 0, 2, 5), 10, DAY);
    daily[2] = { ...daily[2], qualityScore: 0.4, flags: ['ohlc_violation'] };
    await insertBars(t.dataSource, 'AAPL', '1d', daily);
    await insertBars(
      t.dataSource,
      'AAPL',
      '1m',
      makeBars(Date.UTC(2024, 0, 2, 14, 30), 30, 60_000),
    );
    await t.dataSource.query(
      `INSERT INTO data_gaps (symbol, timeframe, from_ts, to_ts, status) VALUES
        ('AAPL', '1d', '2024-02-01', '2024-02-02', 'open'),
        ('AAPL', '1d', '2024-03-01', '2024-03-02', 'open'),
        ('AAPL', '1d', '2024-04-01', '2024-04-02', 'repaired')`,
    );
  });
  afterAll(() => t.close());

  const symbolsOf = (body: { symbols: { symbol: string }[] }) => body.symbols.map((s) => s.symbol);

  it('lists active symbols with their metadata', async () => {
    const res = await request(t.url).get('/api/v1/symbols').expect(200);
    expect(res.body.count).toBe(5);
    expect(symbolsOf(res.body)).toEqual(['AAPL', 'AMZN', 'MSFT', 'PCT', 'X:BTCUSD']);
    expect(res.body.symbols[0]).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      assetClass: 'stocks',
      exchange: 'XNAS',
      currency: 'USD',
      timeframes: ['1m', '1d'],
      active: true,
    });
  });

  it('filters by asset class, activity and search', async () => {
    const crypto = await request(t.url).get('/api/v1/symbols?assetClass=crypto').expect(200);
    expect(symbolsOf(crypto.body)).toEqual(['X:BTCUSD']);
    const inactive = await request(t.url).get('/api/v1/symbols?active=false').expect(200);
    expect(symbolsOf(inactive.body)).toEqual(['OLD']);
    const prefix = await request(t.url).get('/api/v1/symbols?search=x:').expect(200);
    expect(symbolsOf(prefix.body)).toEqual(['X:BTCUSD']);
    const notInfix = await request(t.url).get('/api/v1/symbols?search=SFT').expect(200);
    expect(symbolsOf(notInfix.body)).toEqual([]);
    const name = await request(t.url).get('/api/v1/symbols?search=corporation').expect(200);
    expect(symbolsOf(name.body)).toEqual(['MSFT']);
    const literal = await request(t.url).get('/api/v1/symbols?search=%25').expect(200);
    expect(symbolsOf(literal.body)).toEqual(['PCT']);
    const underscore = await request(t.url).get('/api/v1/symbols?search=l_n').expect(200);
    expect(symbolsOf(underscore.body)).toEqual(['PCT']);
  });

  it('rejects bad filters', async () => {
    const res = await request(t.url)
      .get('/api/v1/symbols?assetClass=bonds&active=maybe&x=1')
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'active',
      'assetClass',
      'x',
    ]);
  });

  it('adds per-timeframe coverage in the detailed list', async () => {
    const res = await request(t.url).get('/api/v1/symbols/detailed?search=AAPL').expect(200);
    expect(res.body.count).toBe(1);
    expect(res.body.symbols[0].coverage).toEqual([
      {
        timeframe: '1d',
        bars: 10,
        firstBarAt: '2024-01-02T05:00:00.000Z',
        lastBarAt: '2024-01-11T05:00:00.000Z',
        validatedPct: 90,
        openGaps: 2,
      },
      {
        timeframe: '1m',
        bars: 30,
        firstBarAt: '2024-01-02T14:30:00.000Z',
        lastBarAt: '2024-01-02T14:59:00.000Z',
        validatedPct: 100,
        openGaps: 0,
      },
    ]);
    const all = await request(t.url).get('/api/v1/symbols/detailed').expect(200);
    const amzn = all.body.symbols.find((s: { symbol: string }) => s.symbol === 'AMZN');
    expect(amzn.coverage).toEqual([
      { timeframe: '1d', bars: 0, firstBarAt: null, lastBarAt: null, validatedPct: 0, openGaps: 0 },
    ]);
  });

  it('shows one symbol, inactive ones included, and 404 for an unknown one', async () => {
    const res = await request(t.url).get('/api/v1/symbols/aapl').expect(200);
    expect(res.body.symbol).toBe('AAPL');
    expect(res.body.coverage).toHaveLength(2);
    await request(t.url).get('/api/v1/symbols/OLD').expect(200);
    await request(t.url).get('/api/v1/symbols/NOPE').expect(404);
    await request(t.url)
      .get(`/api/v1/symbols/${encodeURIComponent("A'; DROP TABLE symbols;--")}`)
      .expect(400);
  });

  it('updates coverage after a write to the series', async () => {
    const before = await request(t.url).get('/api/v1/symbols/MSFT').expect(200);
    expect(before.body.coverage.find((c: { timeframe: string }) => c.timeframe === '1d').bars).toBe(
      0,
    );
    await insertBars(t.dataSource, 'MSFT', '1d', makeBars(Date.UTC(2024, 0, 2, 5), 3, DAY));
    t.app.get(SeriesChanges).publish('MSFT', '1d');
    const after = await request(t.url).get('/api/v1/symbols/MSFT').expect(200);
    expect(after.body.coverage.find((c: { timeframe: string }) => c.timeframe === '1d').bars).toBe(
      3,
    );
  });
});

describe('symbol responses are cacheable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }]);
  });
  afterAll(() => t.close());

  it('carries an ETag and answers If-None-Match with 304 until the data changes', async () => {
    const first = await request(t.url).get('/api/v1/symbols').expect(200);
    expect(first.headers['cache-control']).toBe('public, no-cache');
    await request(t.url)
      .get('/api/v1/symbols')
      .set('If-None-Match', first.headers.etag)
      .expect(304);
    await insertSymbols(t.dataSource, [{ symbol: 'MSFT' }]);
    const changed = await request(t.url)
      .get('/api/v1/symbols')
      .set('If-None-Match', first.headers.etag)
      .expect(200);
    expect(changed.body.count).toBe(2);
    const latest = await request(t.url).get('/api/v1/historical/AAPL/latest').expect(200);
    await request(t.url)
      .get('/api/v1/historical/AAPL/latest')
      .set('If-None-Match', latest.headers.etag)
      .expect(304);
  });
});

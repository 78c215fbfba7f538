import request from 'supertest';

import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

const DAY = 86_400_000;
const JAN2 = Date.UTC(2024, 0, 2);

/** A page's bar times, epoch ms, in the order served. */
const stamps = (res: request.Response): number[] =>
  res.body.bars.map((b: { timestamp: string }) => Date.parse(b.timestamp));

describe('GET /api/v1/historical/{symbol}', () => {
  let t: TestApp;
  const daily = makeBars(JAN2 + 5 * 3_600_000, 40, DAY, { seed: 7 });
  const minutes = makeBars(JAN2 + 14.5 * 3_600_000, 600, 60_000, { seed: 3 });

  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL', name: 'Apple Inc.' },
      { symbol: 'EMPTY' },
      { symbol: 'BRK.B', name: 'Berkshire Hathaway' },
      { symbol: 'X:BTCUSD', assetClass: 'crypto', name: 'Bitcoin' },
    ]);
    daily[3] = { ...daily[3], qualityScore: 0.5, flags: ['ohlc_violation'] };
    daily[4] = { ...daily[4], qualityScore: 0.9, flags: ['volume_anomaly'] };
    await insertBars(t.dataSource, 'AAPL', '1d', daily);
    await insertBars(t.dataSource, 'AAPL', '1m', minutes);
    await insertBars(t.dataSource, 'BRK.B', '1d', daily.slice(0, 3));
    await insertBars(t.dataSource, 'X:BTCUSD', '1d', daily.slice(0, 2));
  });
  afterAll(() => t.close());

  const get = (path: string) => request(t.url).get(path);

  it('returns the bars of a range with the documented envelope', async () => {
    const res = await get('/api/v1/historical/AAPL?start=2024-01-02&end=2024-01-03').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      symbol: 'AAPL',
      timeframe: '1d',
      start: '2024-01-02T00:00:00.000Z',
      end: '2024-01-03T23:59:59.999Z',
      count: 2,
      bars: daily.slice(0, 2).map((b) => ({
        timestamp: new Date(b.ts).toISOString(),
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        volume: b.volume,
        vwap: b.vwap,
        trades: b.trades,
      })),
      nextCursor: null,
    });
  });

  it('returns a page of more than 500 bars whole and in order', async () => {
    const range = 'timeframe=1m&start=2024-01-02T14:30:00Z&end=2024-01-03T00:00:00Z';
    const asc = await get(`/api/v1/historical/AAPL?${range}&limit=1234`).expect(200);
    expect(asc.body.count).toBe(571);
    expect(stamps(asc)).toEqual(minutes.slice(0, 571).map((b) => b.ts));
    expect(asc.body.bars[501]).toEqual(
      expect.objectContaining({ open: minutes[501].open, volume: minutes[501].volume }),
    );
    const desc = await get(`/api/v1/historical/AAPL?${range}&limit=550&sort=desc`).expect(200);
    expect(desc.body.count).toBe(550);
    expect(stamps(desc)).toEqual(
      minutes
        .slice(21, 571)
        .map((b) => b.ts)
        .reverse(),
    );
    expect(desc.body.nextCursor).not.toBeNull();
  });

  it('returns a page of more than 2,000 bars (several rows of 500 from PostgreSQL) whole and in order', async () => {
    await insertSymbols(t.dataSource, [{ symbol: 'LONG' }]);
    const many = makeBars(JAN2, 2_600, 60_000, { seed: 11 });
    await insertBars(t.dataSource, 'LONG', '1m', many);
    const range = 'timeframe=1m&start=2024-01-02T00:00:00Z&end=2024-01-04T00:00:00Z';
    const capped = await get(`/api/v1/historical/LONG?${range}&limit=2100`).expect(200);
    expect(capped.body.count).toBe(2100);
    expect(stamps(capped)).toEqual(many.slice(0, 2100).map((b) => b.ts));
    expect(capped.body.bars[1500]).toEqual(
      expect.objectContaining({ open: many[1500].open, volume: many[1500].volume }),
    );
    const rest = await get(
      `/api/v1/historical/LONG?${range}&limit=2100&cursor=${capped.body.nextCursor}`,
    ).expect(200);
    expect(stamps(rest)).toEqual(many.slice(2100).map((b) => b.ts));
    expect(rest.body.nextCursor).toBeNull();
    const whole = await get(`/api/v1/historical/LONG?${range}&limit=2600&sort=desc`).expect(200);
    expect(stamps(whole)).toEqual(many.map((b) => b.ts).reverse());
    expect(whole.body.nextCursor).toBeNull();
  });

  it('returns prices exactly as stored', async () => {
    await insertSymbols(t.dataSource, [{ symbol: 'EXACT' }]);
    await insertBars(t.dataSource, 'EXACT', '1d', [
      {
        ts: JAN2,
        open: 0.1,
        high: 183.885,
        low: 1e-7,
        close: 123456.789012,
        volume: 0.000123,
        vwap: null,
        trades: null,
      },
    ]);
    const res = await get('/api/v1/historical/EXACT?start=2024-01-02&end=2024-01-02').expect(200);
    expect(res.text).toContain(
      '"open":0.1,"high":183.885,"low":1e-07,"close":123456.789012,"volume":0.000123,"vwap":null,"trades":null',
    );
    expect(res.body.bars[0].low).toBe(1e-7);
  });

  it('upper-cases the symbol, including dotted and prefixed tickers', async () => {
    const brk = await get('/api/v1/historical/brk.b?start=2024-01-01&end=2024-03-01').expect(200);
    expect(brk.body.symbol).toBe('BRK.B');
    expect(brk.body.count).toBe(3);
    const btc = await get('/api/v1/historical/x:btcusd?start=2024-01-01&end=2024-03-01').expect(
      200,
    );
    expect(btc.body.symbol).toBe('X:BTCUSD');
    expect(btc.body.count).toBe(2);
  });

  it('answers 404 for an unknown symbol', async () => {
    const res = await get('/api/v1/historical/NOPE').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain('NOPE');
  });

  it('answers 200 with count 0 for a known symbol without bars in range', async () => {
    const res = await get('/api/v1/historical/EMPTY?start=2024-01-01&end=2024-12-31').expect(200);
    expect(res.body).toMatchObject({ count: 0, bars: [], nextCursor: null });
  });

  it('treats an instant end as inclusive and a date end as the whole day', async () => {
    const at = new Date(daily[1].ts).toISOString();
    const instant = await get(`/api/v1/historical/AAPL?start=2024-01-01&end=${at}`).expect(200);
    expect(instant.body.count).toBe(2);
    const before = new Date(daily[1].ts - 1).toISOString();
    const earlier = await get(`/api/v1/historical/AAPL?start=2024-01-01&end=${before}`).expect(200);
    expect(earlier.body.count).toBe(1);
  });

  it('accepts instants with offsets', async () => {
    const res = await get(
      '/api/v1/historical/AAPL?start=2024-01-02T00:00:00-05:00&end=2024-01-02T23:59:59%2B00:00',
    ).expect(200);
    expect(res.body.start).toBe('2024-01-02T05:00:00.000Z');
    expect(res.body.count).toBe(1);
  });

  it('sorts descending on request', async () => {
    const res = await get(
      '/api/v1/historical/AAPL?start=2024-01-02&end=2024-01-05&sort=desc',
    ).expect(200);
    const times = res.body.bars.map((b: { timestamp: string }) => Date.parse(b.timestamp));
    expect(times).toEqual(
      daily
        .slice(0, 4)
        .map((b) => b.ts)
        .reverse(),
    );
  });

  it('caps a page at limit and says more bars match', async () => {
    const res = await get('/api/v1/historical/AAPL?start=2024-01-02&end=2024-03-01&limit=5').expect(
      200,
    );
    expect(res.body.count).toBe(5);
    expect(res.body.bars).toHaveLength(5);
    expect(typeof res.body.nextCursor).toBe('string');
    const exact = await get(
      '/api/v1/historical/AAPL?start=2024-01-02&end=2024-03-01&limit=40',
    ).expect(200);
    expect(exact.body.count).toBe(40);
    expect(exact.body.nextCursor).toBeNull();
  });

  it('defaults to the last year for daily bars and the last 30 days for intraday', async () => {
    const now = Date.now();
    const res = await get('/api/v1/historical/AAPL').expect(200);
    expect(res.body.timeframe).toBe('1d');
    const span = Date.parse(res.body.end) - Date.parse(res.body.start);
    expect(Math.round(span / DAY)).toBe(365);
    expect(Math.abs(Date.parse(res.body.end) - now)).toBeLessThan(60_000);
    const intraday = await get('/api/v1/historical/AAPL?timeframe=1m').expect(200);
    const span2 = Date.parse(intraday.body.end) - Date.parse(intraday.body.start);
    expect(Math.round(span2 / DAY)).toBe(30);
    const fromStart = await get('/api/v1/historical/AAPL?start=2024-01-02&limit=1').expect(200);
    expect(fromStart.body.start).toBe('2024-01-02T00:00:00.000Z');
  });

  it('filters validated bars and by minimum quality', async () => {
    const range = 'start=2024-01-02&end=2024-01-10';
    const all = await get(`/api/v1/historical/AAPL?${range}`).expect(200);
    expect(all.body.count).toBe(9);
    const validated = await get(`/api/v1/historical/AAPL?${range}&validatedOnly=true`).expect(200);
    expect(validated.body.count).toBe(8);
    expect(validated.body.bars.map((b: { timestamp: string }) => b.timestamp)).not.toContain(
      new Date(daily[3].ts).toISOString(),
    );
    const notFiltered = await get(`/api/v1/historical/AAPL?${range}&validatedOnly=false`).expect(
      200,
    );
    expect(notFiltered.body.count).toBe(9);
    const strict = await get(`/api/v1/historical/AAPL?${range}&minQuality=0.95`).expect(200);
    expect(strict.body.count).toBe(7);
    const loose = await get(`/api/v1/historical/AAPL?${range}&minQuality=0.5`).expect(200);
    expect(loose.body.count).toBe(9);
  });

  it('adds qualityScore and flags with include=quality', async () => {
    const res = await get(
      '/api/v1/historical/AAPL?start=2024-01-05&end=2024-01-06&include=quality',
    ).expect(200);
    expect(res.body.bars[0]).toMatchObject({ qualityScore: 0.5, flags: ['ohlc_violation'] });
    expect(res.body.bars[1]).toMatchObject({ qualityScore: 0.9, flags: ['volume_anomaly'] });
    const plain = await get('/api/v1/historical/AAPL?start=2024-01-05&end=2024-01-06').expect(200);
    expect(plain.body.bars[0].qualityScore).toBeUndefined();
    expect(plain.body.bars[0].flags).toBeUndefined();
  });

  it('accepts every adjustment and the default session, and refuses the sessions not available yet', async () => {
    await get('/api/v1/historical/AAPL?start=2024-01-02&adjustment=raw&session=all').expect(200);
    await get('/api/v1/historical/AAPL?start=2024-01-02&adjustment=all').expect(200);
    const res = await get('/api/v1/historical/AAPL?adjustment=split&session=regular').expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['session']);
    expect(res.body.errors[0].message).toContain('not supported yet');
  });

  it('serves the newest bar', async () => {
    const res = await get('/api/v1/historical/aapl/latest').expect(200);
    expect(res.body).toEqual({
      symbol: 'AAPL',
      timeframe: '1d',
      bar: expect.objectContaining({
        timestamp: new Date(daily[39].ts).toISOString(),
        close: daily[39].close,
      }),
    });
    const minute = await get('/api/v1/historical/AAPL/latest?timeframe=1m').expect(200);
    expect(minute.body.bar.timestamp).toBe(new Date(minutes[599].ts).toISOString());
    const empty = await get('/api/v1/historical/EMPTY/latest').expect(200);
    expect(empty.body.bar).toBeNull();
    await get('/api/v1/historical/NOPE/latest').expect(404);
    await get('/api/v1/historical/AAPL/latest?timeframe=2m').expect(400);
  });

  it('documents the read endpoints and their parameters in the OpenAPI document', async () => {
    const doc = (await get('/docs-json').expect(200)).body;
    const one = doc.paths['/api/v1/historical/{symbol}'].get;
    const names = one.parameters.map((p: { name: string }) => p.name).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'symbol',
        'timeframe',
        'start',
        'end',
        'limit',
        'sort',
        'cursor',
        'format',
        'validatedOnly',
        'minQuality',
        'include',
      ]),
    );
    expect(Object.keys(one.responses)).toEqual(
      expect.arrayContaining(['200', '304', '400', '404']),
    );
    for (const path of [
      '/api/v1/historical',
      '/api/v1/historical/{symbol}/latest',
      '/api/v1/symbols',
      '/api/v1/symbols/detailed',
      '/api/v1/symbols/{symbol}',
      '/api/v1/status',
    ]) {
      expect(doc.paths[path]?.get).toBeDefined();
    }
  });
});

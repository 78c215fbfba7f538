import request from 'supertest';

import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { abandonAfterFirstBytes } from '../../support/abandon-request';
import { startTestApp, TestApp } from '../../support/test-app';

const MINUTE = 60_000;
const START = Date.UTC(2024, 0, 2, 14, 30);
const BIG = 200_000;

describe('CSV export', () => {
  let t: TestApp;
  const bars = makeBars(START, 300, MINUTE, { seed: 8, missingVwapEvery: 100 });

  beforeAll(async () => {
    // A small pool makes a leaked connection visible quickly.
    t = await startTestApp({ env: { DATABASE_POOL_SIZE: '3' } });
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }, { symbol: 'BIG' }, { symbol: 'EMPTY' }]);
    await insertBars(t.dataSource, 'AAPL', '1m', bars);
    await t.dataSource.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
       SELECT 'BIG', '1m', TIMESTAMPTZ '2023-01-01' + i * INTERVAL '1 minute',
              100 + i % 7, 101 + i % 7, 99 + i % 7, 100.5 + i % 7, i, 100.25, i % 50, 'test'
         FROM generate_series(0, $1 - 1) i`,
      [BIG],
    );
  });
  afterAll(() => t.close());

  const csvLine = (b: (typeof bars)[number]) =>
    [
      new Date(b.ts).toISOString(),
      b.open,
      b.high,
      b.low,
      b.close,
      b.volume,
      b.vwap ?? '',
      b.trades ?? '',
    ].join(',');

  it('returns a header and one bar a line with format=csv', async () => {
    const res = await request(t.url)
      .get('/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&format=csv')
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,open,high,low,close,volume,vwap,trades');
    expect(lines.slice(1)).toEqual(bars.map(csvLine));
  });

  it('selects CSV from the Accept header', async () => {
    const res = await request(t.url)
      .get('/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02')
      .set('Accept', 'text/csv')
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text.split('\n')[1]).toBe(csvLine(bars[0]));
  });

  it('caps CSV only when limit is given, and honours sort and aggregation', async () => {
    const capped = await request(t.url)
      .get(
        '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&format=csv&limit=10&sort=desc',
      )
      .expect(200);
    const lines = capped.text.trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[1]).toBe(csvLine(bars[299]));
    const hourly = await request(t.url)
      .get('/api/v1/historical/AAPL?timeframe=1h&start=2024-01-02&end=2024-01-02&format=csv')
      .expect(200);
    expect(hourly.text.trimEnd().split('\n')).toHaveLength(1 + 6);
  });

  it('answers 404 for an unknown symbol and a header only for an empty range', async () => {
    await request(t.url).get('/api/v1/historical/NOPE?format=csv').expect(404);
    const empty = await request(t.url).get('/api/v1/historical/EMPTY?format=csv').expect(200);
    expect(empty.text).toBe('timestamp,open,high,low,close,volume,vwap,trades\n');
  });

  it('streams a large export in chunks without a Content-Length', async () => {
    const res = await request(t.url)
      .get('/api/v1/historical/BIG?timeframe=1m&start=2023-01-01&end=2023-12-31&format=csv')
      .expect(200);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const lines = res.text.trimEnd().split('\n');
    expect(lines).toHaveLength(BIG + 1);
    expect(lines[BIG]).toBe(
      `${new Date(Date.UTC(2023, 0, 1) + (BIG - 1) * MINUTE).toISOString()},${100 + ((BIG - 1) % 7)},${101 + ((BIG - 1) % 7)},${99 + ((BIG - 1) % 7)},${100.5 + ((BIG - 1) % 7)},${BIG - 1},100.25,${(BIG - 1) % 50}`,
    );
  });

  it('returns the connection to the pool when the client goes away mid-stream', async () => {
    const url = new URL(
      `${t.url}/api/v1/historical/BIG?timeframe=1m&start=2023-01-01&end=2023-12-31&format=csv`,
    );
    for (let i = 0; i < 6; i++) {
      await abandonAfterFirstBytes(url);
    }
    // Six abandoned exports on a pool of three: if any connection leaked, these would hang.
    for (let i = 0; i < 4; i++) {
      const res = await request(t.url)
        .get('/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&limit=1')
        .timeout(10_000);
      expect(res.status).toBe(200);
    }
    const full = await request(t.url)
      .get('/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&format=csv')
      .timeout(10_000);
    expect(full.text.trimEnd().split('\n')).toHaveLength(301);
  });
});

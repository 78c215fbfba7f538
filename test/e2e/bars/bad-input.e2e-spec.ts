import request from 'supertest';

import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

interface Problem {
  status: number;
  errors?: { field: string; message: string }[];
}

describe('GET /api/v1/historical rejects bad input with a 400 naming the parameter', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }]);
    await insertBars(t.dataSource, 'AAPL', '1d', makeBars(Date.UTC(2024, 0, 2, 5), 10, 86_400_000));
  });
  afterAll(() => t.close());

  async function expect400(query: string, field: string): Promise<Problem> {
    const res = await request(t.url).get(`/api/v1/historical/AAPL?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    return res.body as Problem;
  }

  it('rejects an unknown timeframe and lists the valid ones', async () => {
    const body = await expect400('timeframe=2m', 'timeframe');
    expect(body.errors![0].message).toContain('1m, 5m, 15m, 30m, 1h, 4h, 1d, 1w, 1mo');
  });

  it.each([
    '2023-02-29',
    '2024-13-45',
    '2024-02-30',
    '2024-01-02T25:00:00Z',
    'yesterday',
    '1704153600',
  ])('rejects the impossible or malformed date %s', async (value) => {
    await expect400(`start=${encodeURIComponent(value)}`, 'start');
    await expect400(`end=${encodeURIComponent(value)}`, 'end');
  });

  it('rejects a start after the end', async () => {
    await expect400('start=2024-02-01&end=2024-01-01', 'start');
    await expect400('start=2024-01-02T10:00:00Z&end=2024-01-02T09:59:59Z', 'start');
    const body = await expect400(`start=${new Date().getUTCFullYear() + 2}-01-01`, 'start');
    expect(body.errors![0].message).toContain('defaults to now');
  });

  it('accepts start and end on the same day', async () => {
    await request(t.url).get('/api/v1/historical/AAPL?start=2024-01-02&end=2024-01-02').expect(200);
  });

  it.each(['0', '50001', '1.5', 'abc', '-1', ''])('rejects limit=%s', async (value) => {
    const body = await expect400(`limit=${value}`, 'limit');
    expect(body.errors!.find((e) => e.field === 'limit')!.message).toContain('1 to 50000');
  });

  it('accepts the limit bounds', async () => {
    await request(t.url).get('/api/v1/historical/AAPL?limit=1').expect(200);
    await request(t.url).get('/api/v1/historical/AAPL?limit=50000').expect(200);
  });

  it('rejects unknown sort, format, include and boolean values', async () => {
    await expect400('sort=up', 'sort');
    await expect400('format=xml', 'format');
    await expect400('include=everything', 'include');
    await expect400('validatedOnly=yes', 'validatedOnly');
    await expect400('minQuality=1.5', 'minQuality');
    await expect400('minQuality=abc', 'minQuality');
  });

  it('rejects unknown query parameters', async () => {
    await expect400('limt=5', 'limt');
  });

  it('lists every bad field at once', async () => {
    const body = await expect400('timeframe=2m&limit=0&sort=up&start=2023-02-29', 'timeframe');
    expect(body.errors!.map((e) => e.field).sort()).toEqual([
      'limit',
      'sort',
      'start',
      'timeframe',
    ]);
  });

  it('rejects a tampered cursor or one from another query', async () => {
    await expect400('cursor=not-a-cursor', 'cursor');
    const page = await request(t.url)
      .get('/api/v1/historical/AAPL?start=2024-01-01&end=2024-02-01&limit=2')
      .expect(200);
    const cursor = page.body.nextCursor as string;
    await expect400(`start=2024-01-01&end=2024-02-01&limit=2&sort=desc&cursor=${cursor}`, 'cursor');
    await expect400(`start=2024-01-01&end=2024-02-01&timeframe=1w&cursor=${cursor}`, 'cursor');
  });

  it.each([
    'AAPL%27%3B%20DROP%20TABLE%20bars%3B--',
    'A%20B',
    'TOOLONGSYMBOLNAME1234567890',
    '%E2%82%AC',
  ])('rejects the symbol %s without a 5xx', async (symbol) => {
    const res = await request(t.url).get(`/api/v1/historical/${symbol}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('symbol');
  });

  it('never answers injection-shaped parameters with a 5xx, and the table survives', async () => {
    const nasty = encodeURIComponent("2024-01-01'; DROP TABLE bars;--");
    for (const query of [
      `start=${nasty}`,
      `timeframe=${nasty}`,
      `cursor=${nasty}`,
      `sort=${nasty}`,
    ]) {
      const res = await request(t.url).get(`/api/v1/historical/AAPL?${query}`);
      expect(res.status).toBe(400);
    }
    const multi = await request(t.url).get(`/api/v1/historical?symbols=AAPL,${nasty}`);
    expect(multi.status).toBe(400);
    const still = await request(t.url).get('/api/v1/historical/AAPL?start=2024-01-01').expect(200);
    expect(still.body.count).toBe(10);
  });

  it('validates the multi-symbol list', async () => {
    await request(t.url).get('/api/v1/historical').expect(400);
    await request(t.url).get('/api/v1/historical?symbols=AAPL,,MSFT').expect(400);
    const many = Array.from({ length: 101 }, (_, i) => `S${i}`).join(',');
    const res = await request(t.url).get(`/api/v1/historical?symbols=${many}`).expect(400);
    expect(res.body.errors[0].field).toBe('symbols');
    const unknown = await request(t.url).get('/api/v1/historical?symbols=AAPL,NOPE').expect(404);
    expect(unknown.body.detail).toContain('NOPE');
  });
});

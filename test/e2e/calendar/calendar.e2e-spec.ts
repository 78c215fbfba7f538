import request from 'supertest';

import { startTestApp, TestApp } from '../../support/test-app';

describe('GET /api/v1/calendar', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists NYSE sessions with holidays left out and half days marked', async () => {
    const res = await request(t.url)
      .get('/api/v1/calendar')
      .query({ exchange: 'XNYS', start: '2024-07-01', end: '2024-07-08' })
      .expect(200);
    expect(res.body).toEqual([
      {
        date: '2024-07-01',
        open: '2024-07-01T13:30:00.000Z',
        close: '2024-07-01T20:00:00.000Z',
        early: false,
      },
      {
        date: '2024-07-02',
        open: '2024-07-02T13:30:00.000Z',
        close: '2024-07-02T20:00:00.000Z',
        early: false,
      },
      {
        date: '2024-07-03',
        open: '2024-07-03T13:30:00.000Z',
        close: '2024-07-03T17:00:00.000Z',
        early: true,
      },
      {
        date: '2024-07-05',
        open: '2024-07-05T13:30:00.000Z',
        close: '2024-07-05T20:00:00.000Z',
        early: false,
      },
      {
        date: '2024-07-08',
        open: '2024-07-08T13:30:00.000Z',
        close: '2024-07-08T20:00:00.000Z',
        early: false,
      },
    ]);
  });

  it('counts a full year of sessions', async () => {
    const res = await request(t.url)
      .get('/api/v1/calendar?exchange=xnys&start=2025-01-01&end=2025-12-31')
      .expect(200);
    expect(res.body).toHaveLength(250);
    expect(res.body.map((s: { date: string }) => s.date)).not.toContain('2025-01-09');
  });

  it('lists every UTC day for crypto', async () => {
    const res = await request(t.url)
      .get('/api/v1/calendar')
      .query({ exchange: '24/7', start: '2024-12-24', end: '2024-12-26' })
      .expect(200);
    expect(res.body.map((s: { date: string }) => s.date)).toEqual([
      '2024-12-24',
      '2024-12-25',
      '2024-12-26',
    ]);
  });

  it('takes an instant as its date in the exchange time zone', async () => {
    const res = await request(t.url)
      .get('/api/v1/calendar')
      .query({ start: '2024-01-03T02:00:00Z', end: '2024-01-03T02:00:00Z' })
      .expect(200);
    expect(res.body.map((s: { date: string }) => s.date)).toEqual(['2024-01-02']);
  });

  it('answers a repeated request with 304 when the ETag matches', async () => {
    const url = '/api/v1/calendar?start=2024-01-01&end=2024-03-31';
    const first = await request(t.url).get(url).expect(200);
    expect(first.headers.etag).toBeDefined();
    expect(first.headers['cache-control']).toContain('max-age');
    await request(t.url).get(url).set('If-None-Match', first.headers.etag).expect(304);
  });

  it('rejects an unknown exchange, listing the valid ones', async () => {
    const res = await request(t.url).get('/api/v1/calendar?exchange=XLON').expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([
      { field: 'exchange', message: expect.stringContaining('XNYS, 24/7, 24/5') },
    ]);
  });

  it('rejects impossible dates, listing every bad field', async () => {
    const res = await request(t.url)
      .get('/api/v1/calendar?start=2023-02-29&end=tomorrow')
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['end', 'start']);
  });

  it('rejects a start after the end', async () => {
    const res = await request(t.url)
      .get('/api/v1/calendar?start=2024-02-01&end=2024-01-01')
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'start', message: 'must not be after end' }]);
  });

  it('rejects a range over ten years', async () => {
    const res = await request(t.url)
      .get('/api/v1/calendar?start=2000-01-01&end=2024-01-01')
      .expect(400);
    expect(res.body.errors[0].field).toBe('end');
  });

  it('rejects unknown query parameters', async () => {
    await request(t.url).get('/api/v1/calendar?exchnage=XNYS').expect(400);
  });

  it('is documented in the OpenAPI document', async () => {
    const res = await request(t.url).get('/docs-json').expect(200);
    const operation = res.body.paths['/api/v1/calendar'].get;
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'end',
      'exchange',
      'start',
    ]);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400']));
  });
});

import request from 'supertest';
import { DataSource } from 'typeorm';

import { ADMIT_ON_REUSE_BYTES } from '../../../src/bars/cache/bars-cache';
import { SeriesChanges } from '../../../src/common/series-changes';
import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

const MINUTE = 60_000;
const START = Date.UTC(2024, 1, 5, 14, 30);
const RANGE = 'timeframe=1m&start=2024-02-05&end=2024-02-05';

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  // Notifications from another process arrive asynchronously after its commit.
  const deadline = Date.now() + 5_000;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}

describe('HTTP caching and the read cache', () => {
  let t: TestApp;
  const bars = makeBars(START, 200, MINUTE, { seed: 12 });

  beforeAll(async () => {
    t = await startTestApp({ env: { CACHE_TTL_SECONDS: '300' } });
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }, { symbol: 'MSFT' }]);
    await insertBars(t.dataSource, 'AAPL', '1m', bars);
    await insertBars(t.dataSource, 'MSFT', '1m', bars);
  });
  afterAll(() => t.close());

  const countOf = async (symbol: string, query = RANGE) =>
    (await request(t.url).get(`/api/v1/historical/${symbol}?${query}`).expect(200)).body
      .count as number;

  it('sends an ETag and Cache-Control, and answers If-None-Match with 304', async () => {
    const first = await request(t.url).get(`/api/v1/historical/AAPL?${RANGE}`).expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    const again = await request(t.url)
      .get(`/api/v1/historical/AAPL?${RANGE}`)
      .set('If-None-Match', etag)
      .expect(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(etag);
    await request(t.url)
      .get(`/api/v1/historical/AAPL?${RANGE}`)
      .set('If-None-Match', 'W/"other"')
      .expect(200);
    const other = await request(t.url).get(`/api/v1/historical/AAPL?${RANGE}&limit=3`).expect(200);
    expect(other.headers.etag).not.toBe(etag);
  });

  it('asks clients to revalidate ranges that reach the live edge', async () => {
    const res = await request(t.url).get('/api/v1/historical/AAPL?timeframe=1m').expect(200);
    expect(res.headers['cache-control']).toBe('public, no-cache');
  });

  it('compresses large responses with gzip and br', async () => {
    const gzip = await request(t.url)
      .get(`/api/v1/historical/AAPL?${RANGE}`)
      .set('Accept-Encoding', 'gzip')
      .expect(200);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.count).toBe(200);
    const br = await request(t.url)
      .get(`/api/v1/historical/AAPL?${RANGE}`)
      .set('Accept-Encoding', 'br')
      .expect(200);
    expect(br.headers['content-encoding']).toBe('br');
    const small = await request(t.url)
      .get(`/api/v1/historical/AAPL?${RANGE}&limit=1`)
      .set('Accept-Encoding', 'gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('serves repeated reads from the cache', async () => {
    expect(await countOf('AAPL')).toBe(200);
    // A write that bypasses every notification stays invisible: proof the cache answered.
    await insertBars(t.dataSource, 'AAPL', '1m', makeBars(START + 200 * MINUTE, 1, MINUTE));
    expect(await countOf('AAPL')).toBe(200);
  });

  it('stores a page of 64 KiB or more at its second request and serves the third from it', async () => {
    // 600 bars: ~90 KB of JSON (the limit keeps it a one-statement page: one that can hold more
    // than 2,000 bars is streamed and never cached). Writes below bypass every notification, so
    // what a read sees tells whether the cache answered.
    await insertSymbols(t.dataSource, [{ symbol: 'WIDE' }]);
    await insertBars(t.dataSource, 'WIDE', '1m', makeBars(START, 600, MINUTE, { seed: 13 }));
    const range = 'timeframe=1m&start=2024-02-05&end=2024-02-06&limit=1000';
    const first = await request(t.url).get(`/api/v1/historical/WIDE?${range}`).expect(200);
    expect(first.body.count).toBe(600);
    expect(Buffer.byteLength(first.text)).toBeGreaterThanOrEqual(ADMIT_ON_REUSE_BYTES);
    await insertBars(t.dataSource, 'WIDE', '1m', makeBars(START + 600 * MINUTE, 1, MINUTE));
    expect(await countOf('WIDE', range)).toBe(601); // the first answer was not stored
    await insertBars(t.dataSource, 'WIDE', '1m', makeBars(START + 601 * MINUTE, 1, MINUTE));
    expect(await countOf('WIDE', range)).toBe(601); // the second was, and answered this one
  });

  it('never serves old bars after an in-process write invalidates the series', async () => {
    const before = await request(t.url).get(`/api/v1/historical/AAPL?${RANGE}`).expect(200);
    await insertBars(t.dataSource, 'AAPL', '1m', makeBars(START + 201 * MINUTE, 1, MINUTE));
    t.app.get(SeriesChanges).publish('AAPL', '1m');
    const after = await request(t.url).get(`/api/v1/historical/AAPL?${RANGE}`).expect(200);
    expect(after.body.count).toBe(202);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    await request(t.url)
      .get(`/api/v1/historical/AAPL?${RANGE}`)
      .set('If-None-Match', before.headers.etag)
      .expect(200);
    // Aggregates over the same base series are invalidated too.
    expect(await countOf('AAPL', RANGE.replace('1m', '1h'))).toBe(4);
  });

  it('drops cached bars after a write by another process (bars_changed notification)', async () => {
    expect(await countOf('MSFT')).toBe(200);
    const other = new DataSource({ type: 'postgres', url: t.databaseUrl });
    await other.initialize();
    try {
      await other.transaction(async (manager) => {
        await insertBars(
          manager.connection,
          'MSFT',
          '1m',
          makeBars(START + 200 * MINUTE, 5, MINUTE),
        );
        await manager.query(`SELECT pg_notify('bars_changed', 'MSFT:1m')`);
      });
    } finally {
      await other.destroy();
    }
    expect(
      await eventually(
        () => countOf('MSFT'),
        (n) => n === 205,
      ),
    ).toBe(205);
  });

  it('makes a request without end cacheable and revalidatable, and a write still shows', async () => {
    // The README's own kind of request: no start, no end. It ends with the current minute.
    const path = '/api/v1/historical/AAPL?timeframe=1m&limit=5';
    const first = await request(t.url).get(path).expect(200);
    const again = await request(t.url).get(path).set('If-None-Match', first.headers.etag);
    // The same minute answers 304; across a minute boundary the window moved: a new page.
    if (again.status === 200)
      expect(Date.parse(again.body.end)).toBeGreaterThan(Date.now() - 60_000);
    else expect(again.status).toBe(304);
    expect(first.headers['cache-control']).toBe('public, no-cache');
    const now = Date.now();
    expect(Date.parse(first.body.end)).toBeGreaterThanOrEqual(now - 61_000);
    expect(Date.parse(first.body.end) % MINUTE).toBe(MINUTE - 1);

    const recent = makeBars(Math.floor(now / MINUTE) * MINUTE - 3 * MINUTE, 2, MINUTE, { seed: 3 });
    await insertBars(t.dataSource, 'AAPL', '1m', recent);
    t.app.get(SeriesChanges).publish('AAPL', '1m');
    const after = await request(t.url).get(path).expect(200);
    expect(after.body.count).toBe(2);
    expect(after.headers.etag).not.toBe(first.headers.etag);
  });

  it('serves a request without end from the read cache, with the same ETag, until a write', async () => {
    // Within one minute the window of a request without end does not move: the same page, the
    // same tag, answered by the cache. A run that straddles a minute boundary is run again.
    await insertSymbols(t.dataSource, [{ symbol: 'LIVE' }]);
    const path = '/api/v1/historical/LIVE?timeframe=1m&start=2024-02-05&limit=50';
    const minuteOf = () => Math.floor(Date.now() / MINUTE);
    let written = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      const minute = minuteOf();
      const first = await request(t.url).get(path).expect(200);
      expect(first.headers['cache-control']).toBe('public, no-cache');
      // A write that bypasses every notification: still invisible means the cache answered.
      await insertBars(t.dataSource, 'LIVE', '1m', makeBars(START + written * MINUTE, 1, MINUTE));
      written += 1;
      const cached = await request(t.url).get(path).expect(200);
      const revalidated = await request(t.url).get(path).set('If-None-Match', first.headers.etag);
      if (minuteOf() !== minute) continue;
      expect(cached.headers.etag).toBe(first.headers.etag);
      expect(cached.text).toBe(first.text);
      expect(revalidated.status).toBe(304);
      // The write announced: the next read is exact, under a new tag.
      t.app.get(SeriesChanges).publish('LIVE', '1m');
      const fresh = await request(t.url).get(path).expect(200);
      expect(fresh.body.count).toBe(written);
      expect(fresh.headers.etag).not.toBe(first.headers.etag);
      await request(t.url).get(path).set('If-None-Match', first.headers.etag).expect(200);
      return;
    }
    throw new Error('three attempts each straddled a minute boundary');
  });

  it('sends CSV without end with the same ETag and 304 within the minute', async () => {
    const path = '/api/v1/historical/MSFT?timeframe=1m&start=2024-02-05&format=csv';
    for (let attempt = 0; attempt < 3; attempt++) {
      const minute = Math.floor(Date.now() / MINUTE);
      const first = await request(t.url).get(path).expect(200);
      const again = await request(t.url).get(path).set('If-None-Match', first.headers.etag);
      if (Math.floor(Date.now() / MINUTE) !== minute) continue;
      expect(first.headers.etag).toMatch(/^W\/".+"$/);
      expect(again.status).toBe(304);
      return;
    }
    throw new Error('three attempts each straddled a minute boundary');
  });

  it('sends CSV with an ETag: 304 without reading the export, a new tag after a write', async () => {
    const path = `/api/v1/historical/MSFT?${RANGE}&format=csv`;
    const first = await request(t.url).get(path).expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await request(t.url).get(path).set('If-None-Match', etag).expect(304);
    expect(again.text).toBe('');
    const other = await request(t.url).get(`${path}&sort=desc`).expect(200);
    expect(other.headers.etag).not.toBe(etag);
    // No notification: the tag comes from the data itself, not from the cache's generations.
    await insertBars(t.dataSource, 'MSFT', '1m', makeBars(START + 500 * MINUTE, 1, MINUTE));
    const changed = await request(t.url).get(path).set('If-None-Match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.text.trim().split('\n').length).toBe(first.text.trim().split('\n').length + 1);
  });

  it('answers the latest bar with an ETag and 304', async () => {
    const first = await request(t.url)
      .get('/api/v1/historical/AAPL/latest?timeframe=1m')
      .expect(200);
    expect(first.body.bar).toMatchObject({ open: expect.any(Number) });
    await request(t.url)
      .get('/api/v1/historical/AAPL/latest?timeframe=1m')
      .set('If-None-Match', first.headers.etag)
      .expect(304);
  });

  it('serves the latest bar from the read cache until its series changes', async () => {
    await insertSymbols(t.dataSource, [{ symbol: 'TIP' }]);
    await insertBars(t.dataSource, 'TIP', '1m', makeBars(START, 3, MINUTE, { seed: 5 }));
    const latest = async () =>
      (await request(t.url).get('/api/v1/historical/TIP/latest?timeframe=1m').expect(200)).body.bar
        .timestamp as string;
    expect(await latest()).toBe(new Date(START + 2 * MINUTE).toISOString());
    // Written without a notification: the cached answer stands.
    await insertBars(t.dataSource, 'TIP', '1m', makeBars(START + 3 * MINUTE, 1, MINUTE));
    expect(await latest()).toBe(new Date(START + 2 * MINUTE).toISOString());
    t.app.get(SeriesChanges).publish('TIP', '1m');
    expect(await latest()).toBe(new Date(START + 3 * MINUTE).toISOString());
  });

  it('reads straight from the database when the cache is off', async () => {
    const uncached = await startTestApp({
      databaseUrl: t.databaseUrl,
      env: { CACHE_TTL_SECONDS: '0' },
    });
    try {
      const read = async () =>
        (await request(uncached.url).get(`/api/v1/historical/MSFT?${RANGE}`).expect(200)).body
          .count;
      const before = await read();
      await insertBars(t.dataSource, 'MSFT', '1m', makeBars(START + 300 * MINUTE, 1, MINUTE));
      expect(await read()).toBe(before + 1);
      const res = await request(uncached.url).get(`/api/v1/historical/MSFT?${RANGE}`).expect(200);
      expect(res.headers.etag).toBeDefined();
      expect(res.headers['cache-control']).toBe('public, no-cache');
    } finally {
      await uncached.app.close();
    }
  });
});

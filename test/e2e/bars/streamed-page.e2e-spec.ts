import request from 'supertest';

import { ReadPool } from '../../../src/database/read-pool';
import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { abandonAfterFirstBytes } from '../../support/abandon-request';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * Pages that can hold more than 2,000 bars are read with a binary COPY and streamed as the
 * client reads (StreamedBarsPage). The read pool here has one connection: a page that failed to
 * give its connection back would leave every later request waiting.
 */
describe('large pages streamed from a binary COPY', () => {
  let t: TestApp;
  const JAN2 = Date.UTC(2024, 0, 2);
  const minutes = makeBars(JAN2, 6_000, 60_000, { seed: 31 });
  const range = 'timeframe=1m&start=2024-01-02T00:00:00Z&end=2024-01-07T00:00:00Z';
  const path = `/api/v1/historical/BIG?${range}&limit=5000`;

  beforeAll(async () => {
    t = await startTestApp({ env: { DATABASE_READ_POOL_SIZE: '1' } });
    await insertSymbols(t.dataSource, [{ symbol: 'BIG' }]);
    await insertBars(t.dataSource, 'BIG', '1m', minutes);
  });
  afterAll(() => t.close());

  const stamps = (res: request.Response) =>
    res.body.bars.map((b: { timestamp: string }) => Date.parse(b.timestamp));

  /** The pool's connections are all idle again (none left checked out by a page). */
  async function expectConnectionReturned(): Promise<void> {
    const pool = t.app.get(ReadPool);
    for (let i = 0; i < 50 && pool.counts().idle !== pool.counts().total; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(pool.counts().idle).toBe(pool.counts().total);
    await request(t.url).get(`/api/v1/historical/BIG?${range}&limit=3`).expect(200);
  }

  it('sends the whole page without a length, with a validator and the next cursor', async () => {
    const res = await request(t.url).get(path).set('Accept-Encoding', 'identity').expect(200);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.etag).toMatch(/^W\/".+"$/);
    expect(res.body.count).toBe(5000);
    expect(stamps(res)).toEqual(minutes.slice(0, 5000).map((b) => b.ts));
    expect(res.body.bars[4321]).toEqual(
      expect.objectContaining({ open: minutes[4321].open, vwap: minutes[4321].vwap }),
    );
    const rest = await request(t.url).get(`${path}&cursor=${res.body.nextCursor}`).expect(200);
    expect(stamps(rest)).toEqual(minutes.slice(5000).map((b) => b.ts));
    expect(rest.body.nextCursor).toBeNull();
    await expectConnectionReturned();
  });

  it('answers 304 to its own ETag, and gives a new one when a bar of the page changes', async () => {
    const first = await request(t.url).get(path).expect(200);
    const again = await request(t.url).get(path).expect(200);
    expect(again.headers.etag).toBe(first.headers.etag);
    await request(t.url).get(path).set('If-None-Match', first.headers.etag).expect(304);
    await expectConnectionReturned();
    await t.dataSource.query(
      `UPDATE bars SET close = close + 1 WHERE symbol = 'BIG' AND ts = to_timestamp($1 / 1000.0)`,
      [minutes[2500].ts],
    );
    const changed = await request(t.url).get(path).expect(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
    expect(changed.body.bars[2500].close).toBe(first.body.bars[2500].close + 1);
  });

  it('compresses the stream when asked', async () => {
    const plain = await request(t.url).get(path).expect(200);
    // supertest decodes the body; the header says it travelled compressed.
    const gzipped = await request(t.url).get(path).set('Accept-Encoding', 'gzip').expect(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.text).toBe(plain.text);
    const br = await request(t.url).get(path).set('Accept-Encoding', 'br').expect(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.text).toBe(plain.text);
  });

  it('returns its connection when the client goes away mid-page', async () => {
    const url = new URL(`${t.url}${path}`);
    await abandonAfterFirstBytes(url);
    await expectConnectionReturned();
  });

  it('sends a page that turns out small in one piece, with its length', async () => {
    // Two days of minutes could be 2,881 bars, so the page is read with COPY; its first chunk
    // is all of it.
    const res = await request(t.url)
      .get('/api/v1/historical/BIG?timeframe=1m&start=2024-01-06&end=2024-01-07&limit=50000')
      .set('Accept-Encoding', 'identity')
      .expect(200);
    expect(res.body.count).toBe(240); // Jan 6 00:00-03:59, the last bars
    expect(res.headers['content-length']).toBe(String(res.text.length));
    await expectConnectionReturned();
  });

  it('tells an unknown symbol (404) from a known one with nothing in range (count 0)', async () => {
    await request(t.url).get(`/api/v1/historical/NOPE?${range}&limit=5000`).expect(404);
    await insertSymbols(t.dataSource, [{ symbol: 'EMPTY' }]);
    const res = await request(t.url).get(`/api/v1/historical/EMPTY?${range}&limit=5000`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ count: 0, bars: [], nextCursor: null });
    await expectConnectionReturned();
  });

  it('sends the same bars, quality included, as a page read in one statement', async () => {
    const streamed = await request(t.url).get(`${path}&include=quality`).expect(200);
    const small = await request(t.url)
      .get(`/api/v1/historical/BIG?${range}&limit=2000&include=quality`)
      .set('Accept-Encoding', 'identity');
    expect(small.headers['content-length']).toBeDefined(); // one statement, not streamed
    expect(streamed.body.bars.slice(0, 2000)).toEqual(small.body.bars);
    expect(streamed.body.bars[0]).toHaveProperty('qualityScore');
    await expectConnectionReturned();
  });

  it('streams a multi-symbol page like a single one: no length, the same bars, 304, its connection back', async () => {
    // A multi-symbol page is bounded in memory the way a single page is: read with COPY and
    // passed on as it arrives, never built whole in this process.
    await insertSymbols(t.dataSource, [{ symbol: 'TWIN' }]);
    const twin = makeBars(JAN2, 3_000, 60_000, { seed: 32 });
    await insertBars(t.dataSource, 'TWIN', '1m', twin);
    const multi = `/api/v1/historical?symbols=BIG,TWIN&${range}&limit=7000`;
    const res = await request(t.url).get(multi).set('Accept-Encoding', 'identity').expect(200);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.body.count).toBe(7_000);
    // Symbols in order, each symbol's bars in time order: all of BIG's 6,000, then TWIN's first.
    expect(stampsOf(res.body.bars.BIG)).toEqual(minutes.map((b) => b.ts));
    expect(stampsOf(res.body.bars.TWIN)).toEqual(twin.slice(0, 1_000).map((b) => b.ts));
    expect(res.body.bars.TWIN[999]).toEqual(
      expect.objectContaining({ open: twin[999].open, volume: twin[999].volume }),
    );
    const rest = await request(t.url).get(`${multi}&cursor=${res.body.nextCursor}`).expect(200);
    expect(stampsOf(rest.body.bars.TWIN)).toEqual(twin.slice(1_000).map((b) => b.ts));
    expect(rest.body.bars.BIG).toEqual([]);
    expect(rest.body.nextCursor).toBeNull();
    await expectConnectionReturned();

    await request(t.url).get(multi).set('If-None-Match', res.headers.etag).expect(304);
    await expectConnectionReturned();
    await abandonAfterFirstBytes(new URL(`${t.url}${multi}`));
    await expectConnectionReturned();
  });
});

const stampsOf = (bars: { timestamp: string }[]) => bars.map((b) => Date.parse(b.timestamp));

import { Table, tableFromIPC } from 'apache-arrow';
import request from 'supertest';

import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { abandonAfterFirstBytes } from '../../support/abandon-request';
import { startTestApp, TestApp } from '../../support/test-app';

const MINUTE = 60_000;
const START = Date.UTC(2024, 0, 2, 14, 30);
/** More rows than one export batch (16,384), so an export is several record batches. */
const BIG = 40_000;
const ARROW = 'application/vnd.apache.arrow.stream';

type JsonBar = Record<string, unknown>;

/** Reads a response body as bytes, whatever its type. */
const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** A row of an Arrow answer in the JSON answer's spelling: ISO time, numbers, null. */
function rowsOf(table: Table): JsonBar[] {
  return table.toArray().map((row) => {
    const bar: JsonBar = {};
    for (const field of table.schema.fields) {
      const value: unknown = row[field.name];
      if (field.name === 'timestamp') bar.timestamp = new Date(value as number).toISOString();
      else if (typeof value === 'bigint') bar[field.name] = Number(value);
      else if (field.name === 'flags') bar.flags = value === null ? null : [...(value as string[])];
      else bar[field.name] = value;
    }
    return bar;
  });
}

describe('Arrow answers (format=arrow)', () => {
  let t: TestApp;
  const aapl = makeBars(START, 300, MINUTE, { seed: 8, missingVwapEvery: 7 });
  const msft = makeBars(START, 200, MINUTE, { seed: 9, fractionalVolume: true });

  beforeAll(async () => {
    // A small pool makes a leaked connection visible quickly.
    t = await startTestApp({ env: { DATABASE_POOL_SIZE: '3' } });
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL' },
      { symbol: 'MSFT' },
      { symbol: 'BIG' },
      { symbol: 'EMPTY' },
    ]);
    await insertBars(t.dataSource, 'AAPL', '1m', aapl);
    await insertBars(t.dataSource, 'MSFT', '1m', msft);
    await t.dataSource.query(
      `UPDATE bars SET quality_score = 0.5, validated = false, flags = '{extreme_move,gap}'
        WHERE symbol = 'AAPL' AND ts = $1`,
      [new Date(START + 10 * MINUTE)],
    );
    await t.dataSource.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
       SELECT 'BIG', '1m', TIMESTAMPTZ '2023-01-01' + i * INTERVAL '1 minute',
              100 + i % 7, 101 + i % 7, 99 + i % 7, 100.5 + i % 7, i, 100.25, i % 50, 'test'
         FROM generate_series(0, $1 - 1) i`,
      [BIG],
    );
  });
  afterAll(() => t.close());

  const arrow = (path: string) => request(t.url).get(path).buffer(true).parse(binary).expect(200);

  /** The Arrow answer and the JSON answer of the same query, both parsed. */
  async function both(path: string): Promise<{
    table: Table;
    json: Record<string, unknown>;
    headers: Record<string, string>;
  }> {
    const sep = path.includes('?') ? '&' : '?';
    const [a, j] = await Promise.all([
      arrow(`${path}${sep}format=arrow`),
      request(t.url).get(path).expect(200),
    ]);
    expect(a.headers['content-type']).toBe(ARROW);
    return {
      table: tableFromIPC(a.body as Buffer),
      json: j.body as Record<string, unknown>,
      headers: a.headers,
    };
  }

  it.each([
    [
      'one symbol, stored timeframe',
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&limit=300',
    ],
    [
      'aggregated',
      '/api/v1/historical/AAPL?timeframe=5m&start=2024-01-02&end=2024-01-02&limit=100',
    ],
    [
      'aggregated hourly, newest first',
      '/api/v1/historical/AAPL?timeframe=1h&start=2024-01-02&end=2024-01-02&sort=desc&limit=10',
    ],
    [
      'with quality',
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&include=quality&limit=20',
    ],
    [
      'filtered by quality',
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&validatedOnly=true&limit=50',
    ],
    ['one bar', '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&limit=1'],
    [
      'an empty range',
      '/api/v1/historical/AAPL?timeframe=1m&start=2020-01-02&end=2020-01-02&limit=10',
    ],
    ['a symbol without bars', '/api/v1/historical/EMPTY?timeframe=1m&limit=10'],
    [
      'aggregated without end (a bounded read)',
      '/api/v1/historical/AAPL?timeframe=5m&start=2024-01-02&limit=7',
    ],
  ])('serves every value of the JSON answer: %s', async (_name, path) => {
    const { table, json } = await both(path);
    expect(rowsOf(table)).toEqual(json.bars);
    const metadata = Object.fromEntries(table.schema.metadata);
    expect(metadata).toEqual({
      symbol: json.symbol,
      timeframe: json.timeframe,
      start: json.start,
      end: json.end,
      adjustment: 'raw',
      session: 'all',
    });
  });

  it('types its columns: timestamp[ms, UTC], float64 prices and volume, nullable vwap and int64 trades', async () => {
    const { table } = await both(
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&include=quality&limit=5',
    );
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`)).toEqual([
      'timestamp:Timestamp<MILLISECOND, UTC>:false',
      'open:Float64:false',
      'high:Float64:false',
      'low:Float64:false',
      'close:Float64:false',
      'volume:Float64:false',
      'vwap:Float64:true',
      'trades:Int64:true',
      'qualityScore:Float32:false',
      'flags:List<Utf8>:false',
    ]);
  });

  it('serves several symbols with a symbol dictionary column, every value as in JSON', async () => {
    const path =
      '/api/v1/historical?symbols=MSFT,AAPL&timeframe=15m&start=2024-01-02&end=2024-01-02&limit=1000';
    const { table, json } = await both(path);
    expect(String(table.schema.fields[0].type)).toBe('Dictionary<Int32, Utf8>');
    const bySymbol: Record<string, JsonBar[]> = { AAPL: [], MSFT: [] };
    for (const { symbol, ...bar } of rowsOf(table)) bySymbol[symbol as string].push(bar);
    expect(bySymbol).toEqual(json.bars);
    expect(Object.fromEntries(table.schema.metadata).symbols).toBe('AAPL,MSFT');
  });

  it('pages like JSON: the next cursor in X-Next-Cursor, every bar once', async () => {
    for (const base of [
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&limit=70',
      '/api/v1/historical?symbols=AAPL,MSFT&timeframe=1m&start=2024-01-02&end=2024-01-02&limit=130',
    ]) {
      let cursor: string | undefined;
      let jsonCursor: string | null = null;
      const seen: JsonBar[] = [];
      let pages = 0;
      do {
        const page = cursor ? `${base}&cursor=${encodeURIComponent(cursor)}` : base;
        const { table, json, headers } = await both(page);
        cursor = headers['x-next-cursor'];
        jsonCursor = json.nextCursor as string | null;
        expect(cursor ?? null).toBe(jsonCursor);
        seen.push(...rowsOf(table));
        pages++;
      } while (cursor);
      expect(seen).toHaveLength(base.includes('symbols') ? 500 : 300);
      expect(pages).toBe(base.includes('symbols') ? 4 : 5);
    }
  });

  it('streams every bar of the range without limit, in record batches', async () => {
    const res = await arrow(
      '/api/v1/historical/BIG?timeframe=1m&start=2023-01-01&end=2023-12-31&format=arrow',
    );
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['x-next-cursor']).toBeUndefined();
    const table = tableFromIPC(res.body as Buffer);
    expect(table.numRows).toBe(BIG);
    expect(table.batches.length).toBeGreaterThan(1);
    const last = rowsOf(table.slice(BIG - 1))[0];
    const i = BIG - 1;
    expect(last).toEqual({
      timestamp: new Date(Date.UTC(2023, 0, 1) + i * MINUTE).toISOString(),
      open: 100 + (i % 7),
      high: 101 + (i % 7),
      low: 99 + (i % 7),
      close: 100.5 + (i % 7),
      volume: i,
      vwap: 100.25,
      trades: i % 50,
    });
    const times = table.getChild('timestamp')!.toArray() as BigInt64Array;
    expect(times.every((ms, k) => k === 0 || ms === times[k - 1] + BigInt(MINUTE))).toBe(true);
  });

  it('streams several symbols without limit, ordered by symbol then time', async () => {
    const res = await arrow(
      '/api/v1/historical?symbols=AAPL,MSFT&timeframe=1m&start=2024-01-02&end=2024-01-02&format=arrow',
    );
    const table = tableFromIPC(res.body as Buffer);
    const symbols = rowsOf(table).map((row) => row.symbol);
    expect(symbols).toEqual([...Array(300).fill('AAPL'), ...Array(200).fill('MSFT')]);
  });

  it('answers 304 to a page or an export the client holds; a write changes the ETag', async () => {
    for (const path of [
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&limit=10&format=arrow',
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&format=arrow',
      '/api/v1/historical?symbols=AAPL,MSFT&timeframe=1m&start=2024-01-02&end=2024-01-02&format=arrow',
    ]) {
      const first = await arrow(path);
      const etag = first.headers.etag;
      expect(etag).toMatch(/^W\/"/);
      await request(t.url).get(path).set('If-None-Match', etag).expect(304);
      await t.dataSource.query(
        `UPDATE bars SET close = close + 1, ingested_at = now() + interval '1 second'
          WHERE symbol = 'AAPL' AND ts = $1`,
        [new Date(START)],
      );
      const changed = await request(t.url).get(path).set('If-None-Match', etag);
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
    }
  });

  it('is chosen by Accept: application/vnd.apache.arrow.stream, and never compressed', async () => {
    const res = await request(t.url)
      .get('/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&limit=300')
      .set('Accept', ARROW)
      .set('Accept-Encoding', 'gzip, br')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).toBe(ARROW);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toMatch(/Accept/);
    expect(tableFromIPC(res.body as Buffer).numRows).toBe(300);
  });

  it('answers problem+json for an unknown symbol or a bad value, as JSON does', async () => {
    const notFound = await request(t.url)
      .get('/api/v1/historical/NOPE?format=arrow&limit=5')
      .expect(404);
    expect(notFound.headers['content-type']).toMatch(/^application\/problem\+json/);
    await request(t.url).get('/api/v1/historical/NOPE?format=arrow').expect(404);
    const multi = await request(t.url)
      .get('/api/v1/historical?symbols=AAPL,NOPE&format=arrow')
      .expect(404);
    expect(multi.body.detail).toMatch(/NOPE/);
    const bad = await request(t.url).get('/api/v1/historical/AAPL?format=parquet').expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(bad.body)).toMatch(/format.*must be one of json, csv, arrow/);
    await request(t.url).get('/api/v1/historical/AAPL?format=arrow&limit=0').expect(400);
  });

  it('returns the connection to the pool when the client goes away mid-export', async () => {
    const url = new URL(
      `${t.url}/api/v1/historical/BIG?timeframe=1m&start=2023-01-01&end=2023-12-31&format=arrow`,
    );
    for (let i = 0; i < 6; i++) await abandonAfterFirstBytes(url);
    // Six abandoned exports on a pool of three: if any connection leaked, these would hang.
    for (let i = 0; i < 4; i++) {
      const res = await arrow(
        '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&format=arrow',
      ).timeout(10_000);
      expect(tableFromIPC(res.body as Buffer).numRows).toBe(300);
    }
  });
});

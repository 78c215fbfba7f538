import { Readable } from 'node:stream';

import { tableFromIPC } from 'apache-arrow';

import { BarColumns, columnSpecs } from '../read/bar-columns';
import { ColumnsReader } from '../read/columns-reader';
import { arrowBody, arrowPreamble, arrowStream } from './arrow-stream';

/** A binary COPY stream (PostgreSQL's format) of the given rows; null is SQL NULL. */
function binaryCopy(rows: (Buffer | null)[][]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const value of row) {
      const length = Buffer.alloc(4);
      length.writeInt32BE(value === null ? -1 : value.length);
      parts.push(length);
      if (value) parts.push(value);
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

const PG_EPOCH_MS = 946_684_800_000;
const timestamptz = (iso: string): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(Date.parse(iso) - PG_EPOCH_MS) * 1000n);
  return b;
};
const float8 = (x: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b;
};
const float4 = (x: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeFloatBE(x);
  return b;
};
const int8 = (x: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(x);
  return b;
};
const text = (s: string): Buffer => Buffer.from(s, 'utf8');

function bar(iso: string, price: number, trades: bigint | null, vwap: number | null) {
  return [
    timestamptz(iso),
    float8(price),
    float8(price + 1),
    float8(price - 1),
    float8(price + 0.5),
    float8(1000),
    vwap === null ? null : float8(vwap),
    trades === null ? null : int8(trades),
  ];
}

/** Feeds the bytes to a reader in chunks of `chunk` bytes; returns its batches. */
async function read(bytes: Buffer, reader: ColumnsReader, chunk: number): Promise<BarColumns[]> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) pieces.push(bytes.subarray(at, at + chunk));
  const batches: BarColumns[] = [];
  Readable.from(pieces).pipe(reader);
  for await (const batch of reader) batches.push(batch as BarColumns);
  return batches;
}

describe('Arrow answers from typed binary COPY rows', () => {
  const specs = columnSpecs(false, false);

  it('reads every value back through apache-arrow, whatever the chunking', async () => {
    const rows = [
      bar('2024-01-02T14:30:00.000Z', 187.15, 1009074n, 185.9465),
      bar('2024-01-02T14:31:00.000Z', 0.1 + 0.2, null, null),
      bar('1969-12-31T23:59:00.000Z', -5e-324, 9007199254740993n, 1e300),
    ];
    for (const chunk of [1, 7, 64, 1 << 20]) {
      const reader = new ColumnsReader({
        specs,
        batchRows: Infinity,
        initialRows: 1,
        edgeColumn: false,
      });
      const [batch] = await read(binaryCopy(rows), reader, chunk);
      const body = arrowBody(
        arrowPreamble(specs, { symbol: 'AAPL', timeframe: '1m' }, undefined),
        batch,
      );
      const table = tableFromIPC(body);
      expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`)).toEqual([
        'timestamp:Timestamp<MILLISECOND, UTC>:false',
        'open:Float64:false',
        'high:Float64:false',
        'low:Float64:false',
        'close:Float64:false',
        'volume:Float64:false',
        'vwap:Float64:true',
        'trades:Int64:true',
      ]);
      expect(Object.fromEntries(table.schema.metadata)).toEqual({
        symbol: 'AAPL',
        timeframe: '1m',
      });
      expect(table.toArray().map((row) => row.toJSON())).toEqual([
        {
          timestamp: Date.parse('2024-01-02T14:30:00.000Z'),
          open: 187.15,
          high: 188.15,
          low: 186.15,
          close: 187.65,
          volume: 1000,
          vwap: 185.9465,
          trades: 1009074n,
        },
        {
          timestamp: Date.parse('2024-01-02T14:31:00.000Z'),
          open: 0.1 + 0.2,
          high: 0.1 + 0.2 + 1,
          low: 0.1 + 0.2 - 1,
          close: 0.1 + 0.2 + 0.5,
          volume: 1000,
          vwap: null,
          trades: null,
        },
        {
          timestamp: Date.parse('1969-12-31T23:59:00.000Z'),
          open: -5e-324,
          high: -5e-324 + 1,
          low: -5e-324 - 1,
          close: -5e-324 + 0.5,
          volume: 1000,
          vwap: 1e300,
          trades: 9007199254740993n,
        },
      ]);
    }
  });

  it('writes a symbol dictionary and list-of-string flags, in batches of a fixed size', async () => {
    const quality = columnSpecs(true, true);
    const rows = ['AAPL', 'AAPL', 'MSFT', 'MSFT', 'MSFT'].map((symbol, i) => [
      text(symbol),
      ...bar(`2024-01-0${i + 2}T00:00:00.000Z`, 10 + i, BigInt(i), i),
      float4(i === 1 ? 0.8 : 1),
      text(i === 1 ? 'extreme_move,volume_anomaly' : i === 4 ? 'gap' : ''),
    ]);
    const reader = new ColumnsReader({
      specs: quality,
      symbolIndex: new Map([
        ['AAPL', 0],
        ['MSFT', 1],
      ]),
      batchRows: 2,
      initialRows: 2,
      edgeColumn: false,
    });
    Readable.from([binaryCopy(rows)]).pipe(reader);
    const stream = arrowStream(
      arrowPreamble(quality, { symbols: 'AAPL,MSFT' }, ['AAPL', 'MSFT']),
      reader,
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const table = tableFromIPC(Buffer.concat(chunks));
    expect(table.batches.map((b) => b.numRows)).toEqual([2, 2, 1]);
    expect(String(table.schema.fields[0].type)).toBe('Dictionary<Int32, Utf8>');
    expect(
      table
        .toArray()
        .map((row) => [row.symbol, Number(row.trades), row.qualityScore, row.flags.toArray()]),
    ).toEqual([
      ['AAPL', 0, 1, []],
      ['AAPL', 1, Math.fround(0.8), ['extreme_move', 'volume_anomaly']],
      ['MSFT', 2, 1, []],
      ['MSFT', 3, 1, []],
      ['MSFT', 4, 1, ['gap']],
    ]);
  });

  it("answers an empty page with its schema and no batch; a known symbol's NULL row is no bar", async () => {
    const reader = new ColumnsReader({
      specs,
      batchRows: Infinity,
      initialRows: 4,
      edgeColumn: true,
    });
    const empty = [...specs.map(() => null), Buffer.from([1])];
    const batches = await read(binaryCopy([empty]), reader, 5);
    expect(reader.sawRow).toBe(true);
    expect(reader.edge).toBe(true);
    expect(batches).toEqual([]);
    const table = tableFromIPC(arrowBody(arrowPreamble(specs, {}, undefined), undefined));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(specs.map((s) => s.name));
  });

  it('drops the probe row past a page, nulls included', async () => {
    const reader = new ColumnsReader({
      specs,
      batchRows: Infinity,
      initialRows: 1,
      edgeColumn: false,
    });
    const rows = [
      bar('2024-01-02T00:00:00Z', 1, 1n, 1),
      bar('2024-01-03T00:00:00Z', 2, null, null),
    ];
    const [batch] = await read(binaryCopy(rows), reader, 3);
    expect(reader.lastMicros[0]).toBe(Date.parse('2024-01-02T00:00:00Z') * 1000);
    batch.truncate(1);
    const table = tableFromIPC(arrowBody(arrowPreamble(specs, {}, undefined), batch));
    expect(table.numRows).toBe(1);
    expect(table.getChild('vwap')!.nullCount).toBe(0);
    expect(table.getChild('trades')!.toArray()).toEqual(new BigInt64Array([1n]));
  });

  it('refuses a stream that ends before its trailer', async () => {
    const reader = new ColumnsReader({
      specs,
      batchRows: Infinity,
      initialRows: 1,
      edgeColumn: false,
    });
    const bytes = binaryCopy([bar('2024-01-02T00:00:00Z', 1, 1n, 1)]);
    await expect(read(bytes.subarray(0, bytes.length - 2), reader, 8)).rejects.toThrow(/trailer/);
  });
});

'use strict';
/**
 * The Arrow encoder of bar answers (src/bars/arrow/arrow-stream.ts, hand-written over the
 * FlatBuffers runtime) against the `apache-arrow` package's writer, on the same columns: the
 * library gets them zero-copy (makeData over the same typed arrays) and writes them with
 * tableToIPC(..., 'stream'), its fastest path to bytes. Each side encodes one answer of 1,
 * 1,000 and 50,000 bars repeatedly; µs per answer, best of five rounds. Both outputs are read
 * back with `apache-arrow` and must hold the same values.
 *
 * Usage: npm run bench:arrow-encoder (builds first).
 */
const path = require('node:path');

const arrow = require('apache-arrow');

const dist = path.join(__dirname, '../dist/src/bars');
const { arrowBody, arrowPreamble } = require(path.join(dist, 'arrow/arrow-stream'));
const { BarColumns, columnSpecs } = require(path.join(dist, 'read/bar-columns'));

const specs = columnSpecs(false, false);
const METADATA = { symbol: 'AAPL', timeframe: '1m', adjustment: 'raw', session: 'all' };

/** n minute bars in columns, as the reader leaves them (vwap and trades with a null or two). */
function columnsOf(n) {
  const batch = new BarColumns(specs, n);
  const start = Date.UTC(2024, 0, 2, 14, 30);
  for (let i = 0; i < n; i++) {
    batch.reserve();
    for (const column of batch.columns) {
      const { kind, nullable } = column.spec;
      if (nullable && i % 97 === 5) {
        batch.setNull(column, i);
        continue;
      }
      if (column.validity) BarColumns.setValid(column, i);
      if (kind === 'time') {
        const ms = start + i * 60_000;
        column.values[2 * i] = (ms % 2 ** 32) | 0;
        column.values[2 * i + 1] = Math.floor(ms / 2 ** 32);
      } else if (kind === 'count') {
        column.values[2 * i] = 1000 + i;
      } else {
        column.values[i] = 100 + (i % 13) * 0.01;
      }
    }
    batch.length++;
  }
  return batch;
}

const handWritten = (batch) => arrowBody(arrowPreamble(specs, METADATA, undefined), batch);

/** The library's writer over the same arrays. */
function library(batch) {
  const n = batch.length;
  const fields = [];
  const children = batch.columns.map((column) => {
    const { name, kind, nullable } = column.spec;
    let type;
    let data;
    if (kind === 'time') {
      type = new arrow.TimestampMillisecond('UTC');
      data = new BigInt64Array(column.values.buffer, 0, n);
    } else if (kind === 'count') {
      type = new arrow.Int64();
      data = new BigInt64Array(column.values.buffer, 0, n);
    } else {
      type = new arrow.Float64();
      data = column.values.subarray(0, n);
    }
    fields.push(new arrow.Field(name, type, nullable));
    return arrow.makeData({
      type,
      length: n,
      nullCount: column.nullCount,
      nullBitmap: column.nullCount ? column.validity : undefined,
      data,
    });
  });
  const schema = new arrow.Schema(fields, new Map(Object.entries(METADATA)));
  const struct = arrow.makeData({
    type: new arrow.Struct(fields),
    length: n,
    nullCount: 0,
    children,
  });
  const table = new arrow.Table([new arrow.RecordBatch(schema, struct)]);
  return arrow.tableToIPC(table, 'stream');
}

function microsPerAnswer(encode, batch) {
  const repeat = Math.max(20, Math.round(200_000 / (batch.length + 50)));
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < repeat; i++) encode(batch);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1000 / repeat);
  }
  return Math.round(best * 10) / 10;
}

const plain = (_key, value) => (typeof value === 'bigint' ? String(value) : value);
const rows = (bytes) =>
  arrow
    .tableFromIPC(bytes)
    .toArray()
    .map((row) => JSON.stringify(row, plain));

console.log('bars     hand-written µs  apache-arrow µs  ×      bytes (hand / library)');
for (const n of [1, 1000, 50_000]) {
  const batch = columnsOf(n);
  const mine = handWritten(batch);
  const theirs = library(batch);
  if (JSON.stringify(rows(mine)) !== JSON.stringify(rows(theirs))) {
    throw new Error(`the two encoders disagree at ${n} bars`);
  }
  const a = microsPerAnswer(handWritten, batch);
  const b = microsPerAnswer(library, batch);
  console.log(
    `${String(n).padEnd(9)}${String(a).padStart(15)} ${String(b).padStart(16)}  ${String(Math.round((b / a) * 10) / 10).padEnd(6)} ${mine.length} / ${theirs.length}`,
  );
}

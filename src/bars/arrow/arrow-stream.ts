import { Readable } from 'node:stream';

import type { BarColumns, Column, ColumnSpec } from '../read/bar-columns';
import {
  BufferRegion,
  dictionaryBatchMessage,
  FieldNode,
  recordBatchMessage,
  schemaMessage,
  SYMBOL_DICTIONARY_ID,
} from './arrow-messages';

/**
 * Bars as an Apache Arrow IPC stream (the "streaming format": a Schema message, the symbols'
 * dictionary on multi-symbol pages, RecordBatch messages, an end-of-stream marker), written from
 * the columns the reader decoded: every value is already where Arrow wants it (little-endian
 * arrays, a validity bitmap where a column has nulls), so a batch is its arrays laid end to end
 * behind a small FlatBuffers header.
 *
 * Hand-written rather than the `apache-arrow` package's writer: on the same arrays the library
 * takes 2.5× (1 bar) to 6× (1,000 bars) as long per answer, the same at 50,000 bars
 * (`npm run bench:arrow-encoder`, docs/PERFORMANCE.md): it builds a Table and serialises the
 * schema through its object model for each answer. That is about 5 % of a 1,000-bar Arrow
 * request's CPU; docs/PERFORMANCE.md says what would decide whether this stays. The tests read
 * every answer back with `apache-arrow` (and compare it with the JSON answer).
 */

const ZEROS = new Uint8Array(8);
const END_OF_STREAM = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** What every answer starts with: the schema, and the symbols' dictionary when it has one. */
export function arrowPreamble(
  specs: readonly ColumnSpec[],
  metadata: Readonly<Record<string, string>>,
  symbols: readonly string[] | undefined,
): Uint8Array[] {
  const parts = encapsulate(schemaMessage(specs, metadata), []);
  if (symbols) parts.push(...dictionaryParts(symbols));
  return parts;
}

/** A whole answer as one Buffer (a page: hashed for its ETag and sent as is). */
export function arrowBody(preamble: Uint8Array[], batch: BarColumns | undefined): Buffer {
  const parts = [...preamble];
  if (batch && batch.length > 0) parts.push(...batchParts(batch));
  parts.push(END_OF_STREAM);
  return concat(parts);
}

/**
 * An answer as a byte stream (an export): each batch is encoded when the socket has taken the
 * previous one (no read-ahead), so what this process holds is a batch or two whatever the
 * length. Closing the stream early (client gone) closes `batches`, and with it the COPY.
 */
export function arrowStream(preamble: Uint8Array[], batches: Readable): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    yield concat(preamble);
    for await (const batch of batches as AsyncIterable<BarColumns>) {
      if (batch.length > 0) yield concat(batchParts(batch));
    }
    yield END_OF_STREAM;
  }
  const stream = Readable.from(bytes(), { objectMode: false, highWaterMark: 0 });
  stream.once('close', () => {
    if (!batches.readableEnded) batches.destroy();
  });
  return stream;
}

/** One RecordBatch message: its metadata and its body, the columns in schema order. */
function batchParts(batch: BarColumns): Uint8Array[] {
  const n = batch.length;
  const body = new BodyBuilder();
  const nodes: FieldNode[] = [];
  for (const column of batch.columns) {
    nodes.push({ length: n, nullCount: column.nullCount });
    // No bitmap (length 0) when every row has a value, as the format allows.
    if (column.nullCount > 0) body.add(column.validity!, Math.ceil(n / 8));
    else body.add(ZEROS, 0);
    if (column.labels) {
      const { offsets, itemOffsets, bytes, items } = column.labels;
      body.add(offsets, n + 1);
      nodes.push({ length: items, nullCount: 0 });
      body.add(ZEROS, 0);
      body.add(itemOffsets, items + 1);
      body.add(bytes, itemOffsets[items]);
      continue;
    }
    body.add(column.values, n * valuesPerRow(column));
  }
  const metadata = recordBatchMessage(n, nodes, body.regions, body.length);
  return encapsulate(metadata, body.parts);
}

/** The symbols' dictionary: one Utf8 column, their names in the order of the indices. */
function dictionaryParts(symbols: readonly string[]): Uint8Array[] {
  const text = Buffer.from(symbols.join(''), 'utf8');
  const offsets = new Int32Array(symbols.length + 1);
  symbols.forEach((symbol, i) => (offsets[i + 1] = offsets[i] + Buffer.byteLength(symbol)));
  const body = new BodyBuilder();
  body.add(ZEROS, 0);
  body.add(offsets, symbols.length + 1);
  body.add(text, text.length);
  const metadata = dictionaryBatchMessage(
    SYMBOL_DICTIONARY_ID,
    symbols.length,
    [{ length: symbols.length, nullCount: 0 }],
    body.regions,
    body.length,
  );
  return encapsulate(metadata, body.parts);
}

const valuesPerRow = (column: Column): number =>
  column.spec.kind === 'time' || column.spec.kind === 'count' ? 2 : 1;

/** A message body: buffers end to end, each padded to 8 bytes as the format requires. */
class BodyBuilder {
  readonly parts: Uint8Array[] = [];
  readonly regions: BufferRegion[] = [];
  length = 0;

  /** The first `count` elements of `array`. */
  add(array: Uint8Array | Int32Array | Float32Array | Float64Array, count: number): void {
    const bytes = count * array.BYTES_PER_ELEMENT;
    this.regions.push({ offset: this.length, length: bytes });
    if (bytes === 0) return;
    this.parts.push(new Uint8Array(array.buffer, array.byteOffset, bytes));
    const padding = (8 - (bytes % 8)) % 8;
    if (padding) this.parts.push(ZEROS.subarray(0, padding));
    this.length += bytes + padding;
  }
}

/** An encapsulated message: continuation marker, metadata size, metadata padded to 8, body. */
function encapsulate(metadata: Uint8Array, body: Uint8Array[]): Uint8Array[] {
  const padded = Math.ceil(metadata.length / 8) * 8;
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(0xffffffff, 0);
  prefix.writeInt32LE(padded, 4);
  const parts: Uint8Array[] = [prefix, metadata];
  if (padded > metadata.length) parts.push(ZEROS.subarray(0, padded - metadata.length));
  return parts.concat(body);
}

function concat(parts: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

import { Transform, TransformCallback } from 'node:stream';

import { BarColumns, Column, ColumnSpec } from './bar-columns';

/** Every binary COPY stream starts with these 11 bytes (PostgreSQL docs, "Binary Format"). */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, 32-bit flags, 32-bit length of the header extension. */
const HEADER_BYTES = 19;
/** PostgreSQL's timestamps count microseconds from 2000-01-01 UTC. */
const PG_EPOCH_MICROS = 946_684_800_000_000;
const TWO_32 = 4_294_967_296;

export interface ColumnsReaderOptions {
  specs: readonly ColumnSpec[];
  /** Symbol → its index in the page's symbol list (multi-symbol pages). */
  symbolIndex?: ReadonlyMap<string, number>;
  /** Rows per emitted batch (Infinity: one batch at the end, however many rows). */
  batchRows: number;
  /** Rows to allocate first (a batch grows as needed). */
  initialRows: number;
  /** Each row ends with the bounded aggregation's `edge` flag (see singleColumnsSql). */
  edgeColumn: boolean;
}

/**
 * Reads the output of a typed-columns binary COPY (query/sql/columns.ts) into BarColumns
 * batches: bytes in, batches out (object mode), each emitted when it holds `batchRows` rows and
 * the last at the end. The stream moves only as fast as its consumer takes batches, so an
 * export holds a batch or two in this process whatever its length.
 *
 * Format: a header, then per row a 16-bit field count (-1 ends the data) and per field a 32-bit
 * length (-1 for NULL) and that many bytes, big-endian. A row split across chunks waits for the
 * rest of it. A row whose first field is NULL is the "known symbol, no bars" row of a
 * single-symbol statement: it counts as seen, not as a bar.
 */
export class ColumnsReader extends Transform {
  /** A row came (the symbol exists, for single-symbol statements). */
  sawRow = false;
  /** Bars decoded. */
  bars = 0;
  /** The bounded aggregation's edge was reached (see ColumnsReaderOptions.edgeColumn). */
  edge = false;
  /** Bucket (epoch µs) and symbol index of the last two bars: the page's last, and the probe. */
  readonly lastMicros: [number, number] = [0, 0];
  readonly lastSymbol: [number, number] = [0, 0];

  private batch: BarColumns;
  private headerDone = false;
  private ended = false;
  private pending: Buffer | null = null;
  private readonly fieldCount: number;
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  private previousSymbol: Buffer | null = null;
  private previousIndex = 0;

  constructor(private readonly options: ColumnsReaderOptions) {
    super({ readableObjectMode: true, readableHighWaterMark: 1 });
    this.fieldCount = options.specs.length + (options.edgeColumn ? 1 : 0);
    this.starts = new Int32Array(this.fieldCount);
    this.lengths = new Int32Array(this.fieldCount);
    this.batch = new BarColumns(options.specs, Math.min(options.initialRows, options.batchRows));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const buffer = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
      const used = this.consume(buffer);
      this.pending = used < buffer.length ? buffer.subarray(used) : null;
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (!this.ended || this.pending) {
      done(new Error('The binary COPY stream ended before its trailer'));
      return;
    }
    if (this.batch.length > 0) this.push(this.batch);
    done();
  }

  /** Decodes every whole row in `buffer`; returns how many bytes it used. */
  private consume(buffer: Buffer): number {
    let at = 0;
    if (!this.headerDone) {
      if (buffer.length < HEADER_BYTES) return 0;
      if (!buffer.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
        throw new Error('Not a binary COPY stream');
      }
      const extension = buffer.readUInt32BE(15);
      if (buffer.length < HEADER_BYTES + extension) return 0;
      at = HEADER_BYTES + extension;
      this.headerDone = true;
    }
    const { starts, lengths } = this;
    while (!this.ended && buffer.length - at >= 2) {
      const fields = buffer.readInt16BE(at);
      if (fields === -1) {
        this.ended = true;
        return at + 2;
      }
      if (fields !== this.fieldCount) {
        throw new Error(`A typed-columns row has ${fields} fields, not ${this.fieldCount}`);
      }
      let end = at + 2;
      let whole = true;
      for (let f = 0; f < fields; f++) {
        if (buffer.length - end < 4) {
          whole = false;
          break;
        }
        const length = buffer.readInt32BE(end);
        starts[f] = end + 4;
        lengths[f] = length;
        end += 4 + (length > 0 ? length : 0);
        if (end > buffer.length) {
          whole = false;
          break;
        }
      }
      if (!whole) return at;
      this.row(buffer);
      at = end;
    }
    // Anything after the trailer is not ours to read.
    return this.ended ? buffer.length : at;
  }

  private row(buffer: Buffer): void {
    const { starts, lengths, options } = this;
    this.sawRow = true;
    if (options.edgeColumn) {
      const f = this.fieldCount - 1;
      this.edge = lengths[f] === 1 && buffer[starts[f]] === 1;
    }
    if (lengths[0] === -1) return; // the "no bars" row
    const batch = this.batch;
    batch.reserve();
    const row = batch.length;
    const columns = batch.columns;
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c];
      const start = starts[c];
      const length = lengths[c];
      if (length === -1) {
        if (!column.spec.nullable) throw new Error(`NULL in column ${column.spec.name}`);
        batch.setNull(column, row);
        if (column.labels) column.labels.offsets[row + 1] = column.labels.items;
        continue;
      }
      if (column.validity) BarColumns.setValid(column, row);
      this.decode(column, buffer, start, length, row);
    }
    batch.length++;
    this.bars++;
    if (batch.length >= options.batchRows) {
      this.push(batch);
      this.batch = new BarColumns(options.specs, options.batchRows);
    }
  }

  private decode(column: Column, buffer: Buffer, start: number, length: number, row: number): void {
    const values = column.values;
    switch (column.spec.kind) {
      case 'time': {
        const micros = buffer.readInt32BE(start) * TWO_32 + buffer.readUInt32BE(start + 4);
        const epochMicros = micros + PG_EPOCH_MICROS;
        this.lastMicros[0] = this.lastMicros[1];
        this.lastMicros[1] = epochMicros;
        const ms = Math.floor(epochMicros / 1000);
        const high = Math.floor(ms / TWO_32);
        values[2 * row] = (ms - high * TWO_32) | 0;
        values[2 * row + 1] = high;
        return;
      }
      case 'count':
        values[2 * row] = buffer.readInt32BE(start + 4);
        values[2 * row + 1] = buffer.readInt32BE(start);
        return;
      case 'price':
      case 'volume':
        values[row] = buffer.readDoubleBE(start);
        return;
      case 'score':
        values[row] = buffer.readFloatBE(start);
        return;
      case 'symbol': {
        values[row] = this.symbolIndexOf(buffer, start, length);
        this.lastSymbol[0] = this.lastSymbol[1];
        this.lastSymbol[1] = values[row];
        return;
      }
      case 'labels': {
        let from = start;
        const end = start + length;
        for (let i = start; i <= end; i++) {
          if (i === end || buffer[i] === 0x2c) {
            if (i > from) BarColumns.addLabel(column, buffer, from, i);
            from = i + 1;
          }
        }
        column.labels!.offsets[row + 1] = column.labels!.items;
        return;
      }
    }
  }

  /** Rows come ordered by symbol: a symbol is looked up once per run of its bars. */
  private symbolIndexOf(buffer: Buffer, start: number, length: number): number {
    const bytes = buffer.subarray(start, start + length);
    if (this.previousSymbol && this.previousSymbol.equals(bytes)) return this.previousIndex;
    const symbol = bytes.toString('utf8');
    const index = this.options.symbolIndex?.get(symbol);
    if (index === undefined) throw new Error(`A row for a symbol not asked for: ${symbol}`);
    // A copy: the chunk it came in is not ours to keep.
    this.previousSymbol = Buffer.from(bytes);
    this.previousIndex = index;
    return index;
  }
}

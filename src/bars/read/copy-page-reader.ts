import { Transform, TransformCallback } from 'node:stream';

/** Every binary COPY stream starts with these 11 bytes (PostgreSQL docs, "Binary Format"). */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, 32-bit flags, 32-bit length of the header extension. */
const HEADER_BYTES = 19;

type Step = 'header' | 'extension' | 'tuple' | 'length' | 'data' | 'trailer';

/**
 * Reads the output of `COPY (SELECT meta, body ...) TO STDOUT (FORMAT binary)`: passes the bytes
 * of the last column of every row through as they arrive, and resolves `meta` with the first
 * column of the first row.
 *
 * Binary COPY sends a text column as its raw UTF-8 bytes with a length in front, so the page's
 * JSON goes from PostgreSQL's socket to the HTTP response as slices of the Buffers it arrived
 * in: no JavaScript string is ever made of it (a text-mode row is always decoded into one, and
 * under load those strings outlived V8's young generation; docs/PERFORMANCE.md).
 *
 * Format: header (signature, flags, extension), then per row a 16-bit field count (-1 ends the
 * data) and per field a 32-bit length (-1 for NULL) and that many bytes. Fields and rows may be
 * split anywhere across the chunks this transform receives.
 */
export class CopyPageReader extends Transform {
  /** The first row's first column; undefined when the COPY returned no row, null for NULL. */
  readonly meta: Promise<string | null | undefined>;
  private settleMeta!: (meta: string | null | undefined) => void;
  private failMeta!: (error: Error) => void;
  private metaSettled = false;
  private readonly metaPieces: Buffer[] = [];

  private step: Step = 'header';
  /** Fixed-size values (header, counts, lengths) gathered across chunk boundaries. */
  private readonly fixed = Buffer.alloc(HEADER_BYTES);
  private fixedHave = 0;
  private remaining = 0;
  private row = 0;
  private field = 0;
  private fields = 0;

  constructor() {
    super();
    this.meta = new Promise((resolve, reject) => {
      this.settleMeta = (meta) => {
        this.metaSettled = true;
        resolve(meta);
      };
      this.failMeta = (error) => {
        this.metaSettled = true;
        reject(error);
      };
    });
    // Nobody may be waiting on meta yet when the stream fails; the error reaches them anyway.
    this.meta.catch(() => undefined);
    this.once('close', () => {
      if (!this.metaSettled)
        this.failMeta(new Error('The page stream closed before its first row'));
    });
    this.once('error', (error) => {
      if (!this.metaSettled) this.failMeta(error);
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      let at = 0;
      while (at < chunk.length) at = this.consume(chunk, at);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.step !== 'trailer') {
      done(new Error('The binary COPY stream ended before its trailer'));
      return;
    }
    if (!this.metaSettled) this.settleMeta(undefined);
    done();
  }

  /** Consumes what it can of the chunk from `at` for the current step; returns the new offset. */
  private consume(chunk: Buffer, at: number): number {
    switch (this.step) {
      case 'header': {
        at = this.gather(chunk, at, HEADER_BYTES);
        if (this.fixedHave < HEADER_BYTES) return at;
        if (!this.fixed.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
          throw new Error('Not a binary COPY stream');
        }
        this.remaining = this.fixed.readUInt32BE(15);
        this.fixedHave = 0;
        this.step = this.remaining > 0 ? 'extension' : 'tuple';
        return at;
      }
      case 'extension': {
        const n = Math.min(this.remaining, chunk.length - at);
        this.remaining -= n;
        if (this.remaining === 0) this.step = 'tuple';
        return at + n;
      }
      case 'tuple': {
        at = this.gather(chunk, at, 2);
        if (this.fixedHave < 2) return at;
        this.fields = this.fixed.readInt16BE(0);
        this.fixedHave = 0;
        this.field = 0;
        if (this.fields === -1) this.step = 'trailer';
        else if (this.fields === 0) this.row++;
        else this.step = 'length';
        return at;
      }
      case 'length': {
        at = this.gather(chunk, at, 4);
        if (this.fixedHave < 4) return at;
        const length = this.fixed.readInt32BE(0);
        this.fixedHave = 0;
        if (length === -1) this.endField(true);
        else if (length === 0) this.endField(false);
        else {
          this.remaining = length;
          this.step = 'data';
        }
        return at;
      }
      case 'data': {
        const n = Math.min(this.remaining, chunk.length - at);
        const piece = chunk.subarray(at, at + n);
        this.remaining -= n;
        if (this.field === this.fields - 1) this.push(piece);
        else if (this.row === 0 && this.field === 0) this.metaPieces.push(piece);
        if (this.remaining === 0) this.endField(false);
        return at + n;
      }
      case 'trailer':
        // Nothing follows the trailer in a COPY's data; ignore rather than guess.
        return chunk.length;
    }
  }

  private endField(isNull: boolean): void {
    if (this.row === 0 && this.field === 0) {
      this.settleMeta(isNull ? null : Buffer.concat(this.metaPieces).toString('utf8'));
    }
    this.field++;
    if (this.field < this.fields) {
      this.step = 'length';
    } else {
      this.row++;
      this.step = 'tuple';
    }
  }

  /** Copies up to `size - fixedHave` bytes into `fixed`; returns the new offset. */
  private gather(chunk: Buffer, at: number, size: number): number {
    const n = Math.min(size - this.fixedHave, chunk.length - at);
    chunk.copy(this.fixed, this.fixedHave, at, at + n);
    this.fixedHave += n;
    return at + n;
  }
}

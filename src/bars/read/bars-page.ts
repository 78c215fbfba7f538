import { Readable } from 'node:stream';

import { etagOf } from '../../common/http-caching';
import { jsonBody } from '../../common/json-body';

/** What a read says about its page besides the bars. */
export interface PageMeta {
  n: number;
  more: boolean;
  /** Last bucket of the page, epoch microseconds; null when the page is empty. */
  lastMicros: string | null;
  /** Multi-symbol pages: the symbol of the last bar, and the symbols with bars on the page. */
  lastSymbol?: string | null;
  present?: readonly string[];
}

/** A response body with its validator: encoded bytes, or a stream of them. */
export interface PageBody {
  body: Buffer | Readable;
  etag: string;
}

/**
 * One page of bars, however it was read (one statement, two halves, pieces, a stream): its
 * meta, and its text wrapped in the envelope the caller gives as the response body.
 */
export interface BarsPage extends PageMeta {
  respond(head: string, tail: string): PageBody;
}

/** A page whose text has been read: pieces of text joined by `joiner`. */
export class TextPage implements BarsPage {
  readonly n: number;
  readonly more: boolean;
  readonly lastMicros: string | null;
  readonly lastSymbol?: string | null;
  readonly present?: readonly string[];

  constructor(
    meta: PageMeta,
    /** The text in order (no piece empty). */
    readonly pieces: readonly string[],
    private readonly joiner: string,
  ) {
    ({
      n: this.n,
      more: this.more,
      lastMicros: this.lastMicros,
      lastSymbol: this.lastSymbol,
      present: this.present,
    } = meta);
  }

  /** One Buffer (jsonBody), hashed for the ETag and written to the socket as is. */
  respond(head: string, tail: string): PageBody {
    const parts = [head];
    this.pieces.forEach((piece, i) => {
      if (i > 0 && this.joiner) parts.push(this.joiner);
      parts.push(piece);
    });
    parts.push(tail);
    const body = jsonBody(parts);
    return { body, etag: etagOf(body) };
  }
}

/**
 * A page being read from a binary COPY (CopyPageReader): its meta and the digest PostgreSQL
 * computed over its text came first, the text follows as a byte stream that moves only as fast
 * as the consumer reads, so a slow client holds a chunk or two in this process, not the page.
 *
 * The read connection stays checked out until the stream ends; the response stream closing
 * for any reason (end, client gone, 304) closes it, and with it the COPY and its connection.
 */
export class StreamedPage implements BarsPage {
  readonly n: number;
  readonly more: boolean;
  readonly lastMicros: string | null;
  readonly lastSymbol?: string | null;
  readonly present?: readonly string[];

  constructor(
    meta: PageMeta,
    /** MD5 of the page's text, computed by PostgreSQL before the first bar was sent. */
    private readonly digest: string,
    private readonly text: Readable,
  ) {
    ({
      n: this.n,
      more: this.more,
      lastMicros: this.lastMicros,
      lastSymbol: this.lastSymbol,
      present: this.present,
    } = meta);
  }

  /**
   * Envelope, the bars' bytes as the COPY delivers them, envelope. The ETag cannot hash bytes
   * not read yet, so it hashes the envelope around the digest: the same bytes, the same tag.
   */
  respond(head: string, tail: string): PageBody {
    const text = this.text;
    async function* body(): AsyncGenerator<Buffer | string> {
      yield head;
      yield* text;
      yield tail;
    }
    // Bytes mode with no read-ahead: the next piece is pulled from the COPY only when the socket
    // has taken the last one (strings are encoded as they are pushed; the head and tail only).
    const stream = Readable.from(body(), { objectMode: false, highWaterMark: 0 });
    stream.once('close', () => {
      if (!text.readableEnded) text.destroy();
    });
    return { body: stream, etag: etagOf(`${head}${this.digest}${tail}`) };
  }
}

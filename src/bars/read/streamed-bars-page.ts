import type { Readable } from 'node:stream';

/** What the first row of a large page's COPY says about the page (see singleJsonSql). */
export interface PageMeta {
  n: number;
  more: boolean;
  /** Last bucket of the page, epoch microseconds; null when the page is empty. */
  lastMicros: string | null;
  /** MD5 of the page's bars text, computed by PostgreSQL before the first bar is sent. */
  digest: string | null;
}

/**
 * A large page being read from a binary COPY: what its first row said (size, whether more
 * follow, its digest), and the bars' JSON as a byte stream (comma-separated objects, no
 * brackets) that moves only as fast as the consumer reads, so a slow client holds a chunk or
 * two in this process, not the whole page.
 *
 * The read connection stays checked out until the stream ends; `close()` before that (client
 * gone, 304) destroys the stream, and with it the COPY and its connection.
 */
export class StreamedBarsPage {
  constructor(
    private readonly meta: PageMeta,
    /** The bars' JSON bytes, in order. */
    readonly body: Readable,
  ) {}

  get n(): number {
    return this.meta.n;
  }

  get more(): boolean {
    return this.meta.more;
  }

  get lastMicros(): string | null {
    return this.meta.lastMicros;
  }

  get digest(): string {
    return this.meta.digest ?? '';
  }

  close(): void {
    if (!this.body.readableEnded) this.body.destroy();
  }
}

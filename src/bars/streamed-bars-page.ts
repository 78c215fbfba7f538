import type { PoolClient } from 'pg';
import type Cursor from 'pg-cursor';

/** Chunk rows fetched per round trip (each holds PAGE_CHUNK_BARS bars, ~72 KB): one, so that
 * at most one waits here for a slow client. */
const ROWS_PER_FETCH = 1;

/** A row of the chunked single-symbol statement (see singleJsonSql). */
export interface ChunkRow {
  n: number;
  more: boolean;
  last_micros: string | null;
  page_digest: string | null;
  body: string | null;
}

/**
 * A large page read from a cursor: what the first row said about the page (size, whether more
 * follow, its digest), then the bars' JSON a chunk at a time, fetched only when the consumer
 * asks for the next one. A slow client therefore holds a chunk or two in this process, not the
 * whole page, and a fast one gets it at the speed of the connection.
 *
 * The read connection stays checked out until `close()`, which ends the cursor and returns the
 * connection (or destroys it when the cursor failed). It runs once, whoever calls it first: the
 * end of `pieces()`, or the response stream closing early (client gone, 304).
 */
export class StreamedBarsPage {
  private closing: Promise<void> | undefined;
  private fetching: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: PoolClient,
    private readonly cursor: Cursor<ChunkRow>,
    private readonly first: ChunkRow,
  ) {}

  get n(): number {
    return this.first.n;
  }

  get more(): boolean {
    return this.first.more;
  }

  get lastMicros(): string | null {
    return this.first.last_micros;
  }

  /** A digest of the page's bars text, from PostgreSQL (see singleJsonSql). */
  get digest(): string {
    return this.first.page_digest ?? '';
  }

  /** The bars' JSON in order, in pieces to be joined with commas; closes the page at the end. */
  async *pieces(): AsyncGenerator<string> {
    if (this.first.body) yield this.first.body;
    while (this.closing === undefined) {
      const fetch = this.cursor.read(ROWS_PER_FETCH);
      this.fetching = fetch;
      const rows = await fetch;
      if (rows.length === 0) break;
      for (const row of rows) if (row.body) yield row.body;
    }
    await this.close();
  }

  close(): Promise<void> {
    this.closing ??= this.fetching
      .then(() => this.cursor.close())
      .then(
        () => this.client.release(),
        (error: Error) => this.client.release(error),
      );
    return this.closing;
  }
}

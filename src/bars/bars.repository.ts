import { pipeline, Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

import type { BaseTimeframe } from '../backfill/providers/market-data-provider';
import { ReadPool } from '../database/read-pool';
import { timed } from '../metrics/instruments';
import {
  BarsSelection,
  multiJsonSql,
  PAGE_CHUNK_BARS,
  pageShapeOf,
  singleCsvCopySql,
  singleJsonSql,
} from './bars-sql';
import { CopyPageReader } from './copy-page-reader';
import { PageMeta, StreamedBarsPage } from './streamed-bars-page';
import { TIMEFRAME_SPECS } from './timeframes';

export interface BarsPageRow {
  n: number;
  more: boolean;
  /** Last bucket of the page, epoch microseconds; null when the page is empty. */
  last_micros: string | null;
  /** The page's bars as JSON objects separated by commas (no brackets); null when empty. */
  body: string | null;
}

/** A row of the single-symbol statement (see singleJsonSql). */
interface SinglePageRow extends BarsPageRow {
  /** Second half of a split page: the bar before it, epoch microseconds (null otherwise). */
  seam_micros: string | null;
  /** The last piece ends with one bar past the page (the probe for `more`), to be dropped. */
  extra: boolean;
  /** The page's further pieces, in order, when it was cut (body is the first); null if empty. */
  [piece: `body_${number}`]: string | null | undefined;
}

/** Pages of at least this many stored bars are read in two halves when connections are spare. */
export const SPLIT_MIN_BARS = 500;

/** Every bar object starts so; inside JSON strings a `"` is always escaped, so only there. */
const BAR_SEPARATOR = ',{"timestamp":';

/** The page in a one-row statement's result (undefined: no row, the symbol is unknown). */
function pageOf([row]: SinglePageRow[]): StatementPage | undefined {
  if (!row) return undefined;
  const { n, more, last_micros, seam_micros, extra } = row;
  const pieces: string[] = [];
  for (let i = 1; ; i++) {
    const piece = i === 1 ? row.body : row[`body_${i}`];
    if (piece === undefined) break; // no such column: the statement had fewer pieces
    if (piece) pieces.push(piece); // null: no bars between those cuts
  }
  if (extra && pieces.length) {
    // The last piece ends with the probe bar past the page (see singleJsonSql): dropped here,
    // and the piece with it when that bar is all it holds.
    const last = pieces.pop()!;
    const cut = last.lastIndexOf(BAR_SEPARATOR);
    if (cut > 0) pieces.push(last.slice(0, cut));
  }
  return { n, more, last_micros, seam_micros, pieces };
}

/** One page of a single symbol: the bars' JSON in order, in one or more pieces. */
export interface BarsPage {
  n: number;
  more: boolean;
  last_micros: string | null;
  /** Comma-separated JSON objects; join the pieces with commas. Empty when the page is. */
  pieces: string[];
}

/** What one statement read: a page, and for the second half of a split one, its seam. */
interface StatementPage extends BarsPage {
  seam_micros: string | null;
}

export interface MultiBarsPageRow extends BarsPageRow {
  last_symbol: string | null;
  /** Symbols with at least one bar on this page. */
  present: string[] | null;
}

/**
 * All SQL of bar reads. This is the hot path, so it bypasses the ORM on purpose: one
 * parameterised statement per request, PostgreSQL builds the JSON text of the bars, and Node
 * forwards that text without parsing or re-serialising a single row (see docs/PERFORMANCE.md).
 * Everything here runs on the read pool: read-only sessions that keep generic plans.
 */
@Injectable()
export class BarsRepository {
  constructor(private readonly reads: ReadPool) {}

  /**
   * The page, or undefined when the symbol is unknown. A page that can hold more than
   * SINGLE_ROW_MAX_BARS (pageShapeOf: chunked) is read with a binary COPY (openLargePage).
   *
   * A large page of stored bars is read as two halves on two connections at once when the pool
   * has them to spare: PostgreSQL formats the JSON in one process per statement, so one
   * statement uses one core, and two halve the wait for a lone request (1,000 bars: p50 ~6 →
   * ~3 ms of database time, docs/PERFORMANCE.md). Under load no connection is spare, every
   * request takes one, and throughput is what it was.
   */
  async findBarsPage(selection: BarsSelection): Promise<BarsPage | StreamedBarsPage | undefined> {
    if (pageShapeOf(selection) === 'chunked') return this.openLargePage(selection);
    if (this.worthSplitting(selection)) {
      const page = await this.findSplitPage(selection);
      if (page !== 'seam-moved') return page;
    }
    return this.findPageInOneStatement(selection);
  }

  /**
   * Reads a large page with a binary COPY (singleJsonSql, chunked): the first row says how many
   * bars the page has, whether another follows, and the digest of its text. A page that turns
   * out small (one chunk) is read to the end and returned like any other; a larger one is
   * returned as a stream of its bytes (StreamedBarsPage) that the client's socket pulls through,
   * so that pages of megabytes do not sit whole in this process once per concurrent request
   * and never become JavaScript strings (docs/PERFORMANCE.md). COPY is planned for its values
   * each time (~0.5 ms), small beside what such a page costs.
   */
  private async openLargePage(
    selection: BarsSelection,
  ): Promise<BarsPage | StreamedBarsPage | undefined> {
    const { sql, params } = singleJsonSql(selection, 'chunked');
    const reader = new CopyPageReader();
    const metaText = await timed(
      'BarsRepository.findBarsPage',
      async () => {
        // pipeline: the reader closing early (client gone, 304) destroys the COPY, and with it
        // the connection; the COPY failing fails the reader, and so whoever waits on it.
        pipeline(await this.copyOut(sql, params), reader, () => undefined);
        return reader.meta;
      },
      params,
    ).catch((error: Error) => {
      reader.destroy();
      throw error;
    });
    if (metaText === undefined) return undefined; // no row: the symbol is unknown
    if (metaText === null) throw new Error('The first row of a large page carries no meta');
    const meta = JSON.parse(metaText) as PageMeta;
    if (meta.n > PAGE_CHUNK_BARS) return new StreamedBarsPage(meta, reader);
    const bytes: Buffer[] = [];
    for await (const chunk of reader) bytes.push(chunk as Buffer);
    const text = Buffer.concat(bytes).toString('utf8');
    return { n: meta.n, more: meta.more, last_micros: meta.lastMicros, pieces: text ? [text] : [] };
  }

  private worthSplitting(selection: BarsSelection): boolean {
    return (
      (selection.limit ?? 0) >= SPLIT_MIN_BARS &&
      TIMEFRAME_SPECS[selection.timeframe].bucket === null &&
      this.reads.spare() >= 2
    );
  }

  /**
   * The two halves run on separate connections, so in separate snapshots. The second statement
   * reports which bar it saw just before its half; if that is not the first half's last bar (a
   * write in between changed how many bars precede the seam), the halves could overlap or leave
   * a bar out, and the caller reads the page in one statement instead.
   */
  private async findSplitPage(
    selection: BarsSelection,
  ): Promise<BarsPage | undefined | 'seam-moved'> {
    const half = Math.floor((selection.limit ?? 0) / 2);
    const [first, second] = await Promise.all([
      this.readStatement({ ...selection, limit: half }),
      this.readStatement({ ...selection, limit: (selection.limit ?? 0) - half, skip: half }),
    ]);
    if (!first || !second) return first === second ? undefined : 'seam-moved';
    if (first.n < half) {
      // The whole selection fitted in the first half: the second must have found nothing.
      if (second.n > 0 || second.seam_micros !== null) return 'seam-moved';
      return { n: first.n, more: false, last_micros: first.last_micros, pieces: first.pieces };
    }
    if (second.seam_micros !== first.last_micros) return 'seam-moved';
    return {
      n: first.n + second.n,
      more: second.more,
      last_micros: second.n > 0 ? second.last_micros : first.last_micros,
      pieces: [...first.pieces, ...second.pieces],
    };
  }

  /**
   * The page in one statement, never split nor streamed: for callers that know their page is
   * small (the latest bar), and the fallback of findBarsPage.
   */
  findPageInOneStatement(selection: BarsSelection): Promise<BarsPage | undefined> {
    return this.readStatement(selection);
  }

  private async readStatement(selection: BarsSelection): Promise<StatementPage | undefined> {
    const { sql, params } = singleJsonSql(selection, 'one-row');
    const rows = await timed(
      'BarsRepository.findBarsPage',
      () => this.reads.prepared<SinglePageRow>(sql, params),
      params,
    );
    return pageOf(rows);
  }

  async findMultiSymbolPage(selection: BarsSelection): Promise<MultiBarsPageRow> {
    const { sql, params } = multiJsonSql(selection);
    const rows = await timed(
      'BarsRepository.findMultiSymbolPage',
      () => this.reads.prepared<MultiBarsPageRow>(sql, params),
      params,
    );
    return rows[0];
  }

  async findKnownSymbols(symbols: string[]): Promise<string[]> {
    const rows: { symbol: string }[] = await timed('BarsRepository.findKnownSymbols', () =>
      this.reads.query<{ symbol: string }>(
        `SELECT symbol FROM symbols WHERE symbol = ANY($1::text[])`,
        [symbols],
      ),
    );
    return rows.map((row) => row.symbol);
  }

  /** Newest stored bar time of a series: `known` false when the symbol does not exist. */
  async findLastBarTime(
    symbol: string,
    timeframe: BaseTimeframe,
  ): Promise<{ known: boolean; lastBarAt: Date | null }> {
    const rows: { last: Date | null }[] = await timed('BarsRepository.findLastBarTime', () =>
      this.reads.query<{ last: Date | null }>(
        `SELECT (SELECT b.ts FROM bars b WHERE b.symbol = s.symbol AND b.timeframe = $2
                  ORDER BY b.ts DESC LIMIT 1) AS last
           FROM symbols s WHERE s.symbol = $1`,
        [symbol, timeframe],
      ),
    );
    return rows.length
      ? { known: true, lastBarAt: rows[0].last }
      : { known: false, lastBarAt: null };
  }

  /**
   * Streams CSV straight out of PostgreSQL with COPY: constant memory however long the history.
   */
  streamBarsCsv(selection: BarsSelection): Promise<Readable> {
    const { sql, params } = singleCsvCopySql(selection);
    return this.copyOut(sql, params);
  }

  /**
   * Runs a `COPY ... TO STDOUT` in a read-only transaction on a connection of its own, with the
   * values bound as settings (see bars-sql.ts), and returns its stream. The connection is
   * checked out for the stream's life and returned when it ends; when the stream fails or is
   * closed early (client gone) the connection is destroyed instead: a half-read COPY leaves it
   * unusable.
   */
  private async copyOut(sql: string, params: string[]): Promise<Readable> {
    const client: PoolClient = await this.reads.connect();
    let released = false;
    const release = (error?: Error): void => {
      if (released) return;
      released = true;
      if (error) {
        client.release(error);
        return;
      }
      client.query('COMMIT').then(
        () => client.release(),
        (commitError: Error) => client.release(commitError),
      );
    };
    try {
      await client.query('BEGIN READ ONLY');
      // The COPY moves as fast as the client reads, so it is exempt from the statement timeout
      // (set with the parameters: no extra round trip).
      const sets = [`set_config('statement_timeout', '0', true)`].concat(
        params.map((_, i) => `set_config('mdw_query.p${i + 1}', $${i + 1}, true)`),
      );
      await client.query(`SELECT ${sets.join(', ')}`, params);
      const stream = client.query(copyTo(sql));
      let ended = false;
      stream.on('end', () => {
        ended = true;
        release();
      });
      stream.on('error', (error: Error) => release(error));
      stream.on('close', () => {
        if (!ended) release(new Error('COPY stream closed before the end'));
      });
      return stream;
    } catch (error) {
      release(error as Error);
      throw error;
    }
  }
}

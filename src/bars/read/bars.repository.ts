import { pipeline, Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';

import { AppConfig } from '../../config/app-config';
import { ReadPool } from '../../database/read-pool';
import type { Timeframe } from '../../market/timeframes';
import { timed } from '../../metrics';
import { BAR_SEPARATOR } from '../bar-fields';
import { PlanContext, planMultiRead, planPageRead, ReadPlan } from '../query/read-plan';
import type { BarsSelection } from '../query/selection';
import { csvSql } from '../query/sql/csv';
import { csvVersionSql, knownSymbolsSql, latestBarSql } from '../query/sql/lookups';
import type { BuiltSql } from '../query/sql/params';
import { PAGE_CHUNK_BARS } from '../query/sql/pieces';
import { BarsPage, PageMeta, StreamedPage, TextPage } from './bars-page';
import { copyOut } from './copy-out';
import { CopyPageReader } from './copy-page-reader';

/** The row of a one-row page statement (singlePageSql, multiPageSql). */
interface PageRow {
  n: number;
  more: boolean;
  last_micros: string | null;
  /** Multi-symbol pages. */
  last_symbol?: string | null;
  present?: string[] | null;
  /** Second half of a page read in halves: the bar before it, epoch microseconds. */
  seam_micros?: string | null;
  /** The last piece ends with one bar past the page (the probe for `more`), to be dropped. */
  extra?: boolean;
  /** A bounded aggregation cut the page short: read the plan's fallback. */
  short?: boolean;
  /** The page's text in pieces, in order: `body`, `body_2`, ... (undefined: no such column). */
  body: string | null;
  [piece: `body_${number}`]: string | null | undefined;
}

/** What a streamed page's first row says (see singlePageStreamSql, multiPageStreamSql). */
interface StreamMeta {
  n: number;
  more: boolean;
  lastMicros: string | null;
  lastSymbol?: string | null;
  present?: string[] | null;
  digest: string | null;
  short?: boolean;
}

/** A one-row statement's page: its meta and text pieces, and the seam of a second half. */
interface RowPage {
  meta: PageMeta;
  pieces: string[];
  seamMicros: string | null;
}

/**
 * All SQL of bar reads, on the read pool (read-only sessions that keep generic plans). This is
 * the hot path, so it bypasses the ORM on purpose: PostgreSQL builds the JSON text of the bars,
 * and Node forwards that text without parsing or re-serialising a single row
 * (docs/PERFORMANCE.md). How a page is read is the read plan's choice (planPageRead); this
 * executes it.
 */
@Injectable()
export class BarsRepository {
  constructor(
    private readonly reads: ReadPool,
    private readonly config: AppConfig,
  ) {}

  /** A single symbol's page, or undefined when the symbol is unknown. */
  findPage(selection: BarsSelection): Promise<BarsPage | undefined> {
    return this.read(planPageRead(selection, this.context()));
  }

  /** Several symbols' page (their existence is checked by the caller). */
  async findMultiPage(selection: BarsSelection): Promise<BarsPage> {
    return (await this.read(planMultiRead(selection, this.context())))!;
  }

  private context(): PlanContext {
    return { spareConnections: this.reads.spare(), disabled: this.config.readPath.disabled };
  }

  private async read(plan: ReadPlan): Promise<BarsPage | undefined> {
    switch (plan.kind) {
      case 'one-row': {
        const page = await this.readRow(plan.statement);
        if (page === 'short') return this.read(plan.fallback!);
        return page && new TextPage(page.meta, page.pieces, plan.joiner);
      }
      case 'halves': {
        const page = await this.readHalves(plan);
        return page === 'seam-moved' ? this.read(plan.fallback) : page;
      }
      case 'stream': {
        const page = await this.readStream(plan.statement);
        if (page === 'short') return this.read(plan.fallback!);
        return page;
      }
    }
  }

  /**
   * The two halves run on separate connections, so in separate snapshots. The second statement
   * reports which bar it saw just before its half; if that is not the first half's last bar (a
   * write in between changed how many bars precede the seam), the halves could overlap or leave
   * a bar out, and the page is read in one statement instead.
   */
  private async readHalves(
    plan: Extract<ReadPlan, { kind: 'halves' }>,
  ): Promise<BarsPage | undefined | 'seam-moved'> {
    const [first, second] = await Promise.all([
      this.readRow(plan.first),
      this.readRow(plan.second),
    ]);
    if (first === 'short' || second === 'short') return 'seam-moved'; // not bounded: cannot be
    if (!first || !second) return first === second ? undefined : 'seam-moved';
    if (first.meta.n < plan.half) {
      // The whole selection fitted in the first half: the second must have found nothing.
      if (second.meta.n > 0 || second.seamMicros !== null) return 'seam-moved';
      return new TextPage({ ...first.meta, more: false }, first.pieces, ',');
    }
    if (second.seamMicros !== first.meta.lastMicros) return 'seam-moved';
    const meta = {
      n: first.meta.n + second.meta.n,
      more: second.meta.more,
      lastMicros: second.meta.n > 0 ? second.meta.lastMicros : first.meta.lastMicros,
    };
    return new TextPage(meta, [...first.pieces, ...second.pieces], ',');
  }

  /** A one-row statement's page; undefined: no row (unknown symbol). */
  private async readRow(statement: BuiltSql): Promise<RowPage | undefined | 'short'> {
    const { sql, params } = statement;
    const [row] = await timed(
      'BarsRepository.findBarsPage',
      () => this.reads.prepared<PageRow>(sql, params),
      params,
    );
    if (!row) return undefined;
    if (row.short) return 'short';
    const pieces: string[] = [];
    for (let i = 1; ; i++) {
      const piece = i === 1 ? row.body : row[`body_${i}`];
      if (piece === undefined) break; // no such column: the statement had fewer pieces
      if (piece) pieces.push(piece); // null: no bars between those cuts
    }
    if (row.extra && pieces.length) {
      // The last piece ends with the probe bar past the page (see singlePageSql): dropped here,
      // and the piece with it when that bar is all it holds.
      const last = pieces.pop()!;
      const cut = last.lastIndexOf(BAR_SEPARATOR);
      if (cut > 0) pieces.push(last.slice(0, cut));
    }
    const meta: PageMeta = { n: row.n, more: row.more, lastMicros: row.last_micros };
    if (row.present !== undefined) {
      meta.lastSymbol = row.last_symbol ?? null;
      meta.present = row.present ?? [];
    }
    return { meta, pieces, seamMicros: row.seam_micros ?? null };
  }

  /**
   * Reads a page with a binary COPY: the first row says how many bars the page has, whether
   * another follows, and the digest of its text. A page that turns out small (one chunk) is read
   * to the end and returned like any other; a larger one is returned as a stream of its bytes
   * that the client's socket pulls through, so that pages of megabytes never sit whole in this
   * process, nor become JavaScript strings (docs/PERFORMANCE.md). COPY is planned for its values
   * each time (~0.5 ms), small beside what such a page costs.
   */
  private async readStream(statement: BuiltSql): Promise<BarsPage | undefined | 'short'> {
    const reader = new CopyPageReader();
    const metaText = await timed(
      'BarsRepository.findBarsPage',
      async () => {
        // pipeline: the reader closing early (client gone, 304) destroys the COPY, and with it
        // the connection; the COPY failing fails the reader, and so whoever waits on it.
        pipeline(await copyOut(this.reads, statement), reader, () => undefined);
        return reader.meta;
      },
      statement.params,
    ).catch((error: Error) => {
      reader.destroy();
      throw error;
    });
    if (metaText === undefined) return undefined; // no row: the symbol is unknown
    if (metaText === null) throw new Error('The first row of a large page carries no meta');
    const streamed = JSON.parse(metaText) as StreamMeta;
    if (streamed.short) {
      reader.destroy();
      return 'short';
    }
    const meta: PageMeta = { n: streamed.n, more: streamed.more, lastMicros: streamed.lastMicros };
    if (streamed.present !== undefined) {
      meta.lastSymbol = streamed.lastSymbol ?? null;
      meta.present = streamed.present ?? [];
    }
    if (meta.n > PAGE_CHUNK_BARS) return new StreamedPage(meta, streamed.digest ?? '', reader);
    const bytes: Buffer[] = [];
    for await (const chunk of reader) bytes.push(chunk as Buffer);
    const text = Buffer.concat(bytes).toString('utf8');
    return new TextPage(meta, text ? [text] : [], '');
  }

  async findKnownSymbols(symbols: string[]): Promise<string[]> {
    const { sql, params } = knownSymbolsSql(symbols);
    const rows = await timed('BarsRepository.findKnownSymbols', () =>
      this.reads.query<{ symbol: string }>(sql, params),
    );
    return rows.map((row) => row.symbol);
  }

  /** The newest bar as JSON text (null: none stored); undefined when the symbol is unknown. */
  async findLatestBar(
    symbol: string,
    timeframe: Timeframe,
    adjustment?: BarsSelection['adjustment'],
  ): Promise<string | null | undefined> {
    const { sql, params } = latestBarSql(symbol, timeframe, adjustment);
    const rows = await timed(
      'BarsRepository.findLatestBar',
      () => this.reads.prepared<{ bar: string | null }>(sql, params),
      params,
    );
    return rows.length ? rows[0].bar : undefined;
  }

  /** What a CSV export depends on (csvVersionSql); undefined when the symbol is unknown. */
  async findCsvVersion(selection: BarsSelection): Promise<string | undefined> {
    const { sql, params } = csvVersionSql(selection);
    const rows = await timed(
      'BarsRepository.findCsvVersion',
      () => this.reads.prepared<{ version: string }>(sql, params),
      params,
    );
    return rows[0]?.version;
  }

  /** Streams CSV straight out of PostgreSQL with COPY: constant memory however long. */
  streamCsv(selection: BarsSelection): Promise<Readable> {
    return copyOut(this.reads, csvSql(selection));
  }
}

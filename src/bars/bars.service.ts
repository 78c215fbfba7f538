import type { Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';

import { Clock } from '../common/clock';
import { InvalidInputError, NotFoundError } from '../common/domain-error';
import { etagOf } from '../common/http-caching';
import { jsonBody } from '../common/json-body';
import { normaliseSymbol } from '../market/symbol';
import { Timeframe, TIMEFRAME_SPECS } from '../market/timeframes';
import { arrowBody, arrowPreamble, arrowStream } from './arrow/arrow-stream';
import { BarsCache } from './cache/bars-cache';
import type { BarsQueryDto, LatestBarQueryDto, MultiBarsQueryDto } from './http/bars-query.dto';
import { encodeCursor } from './query/bar-cursor';
import { BarQueryResolver, ResolvedQuery } from './query/bar-query.resolver';
import type { BarsSelection } from './query/selection';
import { columnSpecs } from './read/bar-columns';
import { BarColumnsRepository } from './read/bar-columns.repository';
import { BarsRepository } from './read/bars.repository';
import type { PageBody } from './read/bars-page';

export const MAX_SYMBOLS = 100;
const DAY_MS = 86_400_000;

export type BarsResponse =
  /** A page: bytes, or a stream of them for a large page (never cached). */
  | ({ kind: 'json'; cacheControl: string } & PageBody)
  /** A CSV export, opened only when the client does not already hold it (304). */
  | {
      kind: 'csv';
      etag: string;
      cacheControl: string;
      filename: string;
      open: () => Promise<Readable>;
    }
  /**
   * An Arrow IPC stream: a page (read already, its next cursor known) or every bar of the
   * range (opened only when the client does not already hold it, like CSV).
   */
  | {
      kind: 'arrow';
      etag: string;
      cacheControl: string;
      nextCursor: string | null;
      open: () => Promise<Buffer | Readable>;
    };

@Injectable()
export class BarsService {
  constructor(
    private readonly repository: BarsRepository,
    private readonly columns: BarColumnsRepository,
    private readonly resolver: BarQueryResolver,
    private readonly cache: BarsCache,
    private readonly clock: Clock,
  ) {}

  async getBars(rawSymbol: string, query: BarsQueryDto, accept?: string): Promise<BarsResponse> {
    const symbol = normaliseSymbol(rawSymbol);
    const resolved = this.resolver.resolve([symbol], query, accept);
    const cacheControl = this.cacheControl(resolved.endExclusiveMs);
    if (resolved.format === 'csv') return this.csv(symbol, resolved, cacheControl);
    if (resolved.format === 'arrow') return this.arrow(resolved, query, cacheControl, false);
    const { selection } = resolved;
    // The key is only worth building when the cache is in use (it serialises the selection).
    const key = this.cache.active
      ? `1|${this.generation(symbol, selection.timeframe, selection.adjustment)}|${JSON.stringify(selection)}`
      : undefined;
    const cached = key === undefined ? undefined : this.cache.get(key);
    if (cached) return { kind: 'json', cacheControl, ...cached };

    const page = await this.repository.findPage(selection);
    if (!page) throw new NotFoundError(`Unknown symbol ${symbol}.`);
    const next = page.more && page.lastMicros ? this.cursorAfter(resolved, page.lastMicros) : null;
    const response = page.respond(
      `{"symbol":"${symbol}","timeframe":"${selection.timeframe}",` +
        `"start":"${selection.startIso}","end":"${this.endOf(resolved)}",` +
        `"count":${page.n},"bars":[`,
      `],"nextCursor":${next ? `"${next}"` : 'null'}}`,
    );
    if (key !== undefined) this.cache.set(key, response);
    return { kind: 'json', cacheControl, ...response };
  }

  /**
   * A CSV export: its ETag comes from what its text depends on (the query and the data's
   * version, csvVersionSql), read in the round trip that also tells an unknown symbol (COPY of
   * one would stream just the header) from a known one.
   */
  private async csv(
    symbol: string,
    resolved: ResolvedQuery,
    cacheControl: string,
  ): Promise<BarsResponse> {
    const version = await this.repository.findCsvVersion(resolved.selection);
    if (version === undefined) throw new NotFoundError(`Unknown symbol ${symbol}.`);
    return {
      kind: 'csv',
      etag: etagOf(`csv|${version}|${JSON.stringify(resolved.selection)}`),
      cacheControl,
      filename: `${symbol.replace(/:/g, '_')}-${resolved.selection.timeframe}.csv`,
      open: () => this.repository.streamCsv(resolved.selection),
    };
  }

  async getMultiBars(query: MultiBarsQueryDto, accept?: string): Promise<BarsResponse> {
    const { symbols: list, ...rest } = query;
    const symbols = this.parseSymbolList(list);
    const resolved = this.resolver.resolve(symbols, rest, accept);
    if (resolved.format === 'csv') {
      throw InvalidInputError.field(
        'format',
        'csv is available per symbol only: /historical/{symbol}',
      );
    }
    const { selection } = resolved;
    const cacheControl = this.cacheControl(resolved.endExclusiveMs);
    if (resolved.format === 'arrow') return this.arrow(resolved, rest, cacheControl, true);
    const generations = symbols
      .map((s) => this.generation(s, selection.timeframe, selection.adjustment))
      .join(',');
    const key = `n|${generations}|${JSON.stringify(selection)}`;
    const cached = this.cache.get(key);
    if (cached) return { kind: 'json', cacheControl, ...cached };

    await this.checkKnown(symbols);
    const page = await this.repository.findMultiPage(selection);
    const next =
      page.more && page.lastMicros
        ? this.cursorAfter(resolved, page.lastMicros, page.lastSymbol ?? undefined)
        : null;
    // Every requested symbol is a key, with [] when this page holds none of its bars; the
    // page's text leaves its last symbol's array open.
    const present = new Set(page.present ?? []);
    const empty = symbols.filter((s) => !present.has(s)).map((s) => `"${s}":[]`);
    const closing = page.n > 0 ? `]${empty.length ? ',' : ''}` : '';
    const response = page.respond(
      `{"timeframe":"${selection.timeframe}","start":"${selection.startIso}",` +
        `"end":"${this.endOf(resolved)}","count":${page.n},"bars":{`,
      `${closing}${empty.join(',')}},"nextCursor":${next ? `"${next}"` : 'null'}}`,
    );
    this.cache.set(key, response);
    return { kind: 'json', cacheControl, ...response };
  }

  private async checkKnown(symbols: string[]): Promise<void> {
    const known = new Set(await this.repository.findKnownSymbols(symbols));
    const unknown = symbols.filter((s) => !known.has(s));
    if (unknown.length) throw new NotFoundError(`Unknown symbols: ${unknown.join(', ')}.`);
  }

  /**
   * An Arrow answer (arrow/arrow-stream.ts). A page is read whole, its next cursor sent as a
   * header, its ETag the hash of its bytes, like a JSON page. Without `limit`, every bar of the
   * range is streamed in batches, its ETag from the data's version like a CSV export.
   */
  private async arrow(
    resolved: ResolvedQuery,
    query: BarsQueryDto,
    cacheControl: string,
    multi: boolean,
  ): Promise<BarsResponse> {
    const { selection } = resolved;
    const { symbols, timeframe } = selection;
    const preamble = arrowPreamble(
      columnSpecs(selection.includeQuality, multi),
      {
        [multi ? 'symbols' : 'symbol']: symbols.join(','),
        timeframe,
        start: selection.startIso,
        end: this.endOf(resolved),
        adjustment: query.adjustment ?? 'raw',
        session: query.session ?? 'all',
      },
      multi ? symbols : undefined,
    );
    if (selection.limit === undefined) {
      const version = await this.exportVersion(selection);
      return {
        kind: 'arrow',
        etag: etagOf(`arrow|${version}|${JSON.stringify(selection)}`),
        cacheControl,
        nextCursor: null,
        open: () => Promise.resolve(arrowStream(preamble, this.columns.stream(selection, multi))),
      };
    }
    if (multi) await this.checkKnown(symbols);
    const page = await this.columns.findPage(selection, multi);
    if (!multi && !page.known) throw new NotFoundError(`Unknown symbol ${symbols[0]}.`);
    const body = arrowBody(preamble, page.batch);
    return {
      kind: 'arrow',
      etag: etagOf(body),
      cacheControl,
      nextCursor:
        page.more && page.lastMicros
          ? this.cursorAfter(resolved, page.lastMicros, page.lastSymbol ?? undefined)
          : null,
      open: () => Promise.resolve(body),
    };
  }

  /**
   * What an export of these symbols depends on: each symbol's CSV version (csvVersionSql) over
   * the whole range (a cursor's position left out: wider, never stale). 404 for unknown symbols.
   */
  private async exportVersion(selection: BarsSelection): Promise<string> {
    const versions = await Promise.all(
      selection.symbols.map((symbol) =>
        this.repository.findCsvVersion({ ...selection, symbols: [symbol], after: undefined }),
      ),
    );
    const unknown = selection.symbols.filter((_, i) => versions[i] === undefined);
    if (unknown.length === 1 && selection.symbols.length === 1) {
      throw new NotFoundError(`Unknown symbol ${unknown[0]}.`);
    }
    if (unknown.length) throw new NotFoundError(`Unknown symbols: ${unknown.join(', ')}.`);
    return versions.join(',');
  }

  /**
   * The newest bar, built by PostgreSQL in one statement; revalidated on every request. It
   * depends on its series alone (not on the clock), so the series' version keys it in the cache.
   */
  async getLatest(rawSymbol: string, query: LatestBarQueryDto): Promise<BarsResponse> {
    const symbol = normaliseSymbol(rawSymbol);
    const timeframe: Timeframe = query.timeframe ?? '1d';
    const adjustment = query.adjustment === 'raw' ? undefined : query.adjustment;
    const cacheControl = 'public, no-cache';
    const key = this.cache.active
      ? `l|${this.generation(symbol, timeframe, adjustment)}|${symbol}|${timeframe}|${adjustment ?? 'raw'}`
      : undefined;
    const cached = key === undefined ? undefined : this.cache.get(key);
    if (cached) return { kind: 'json', cacheControl, ...cached };

    const bar = await this.repository.findLatestBar(symbol, timeframe, adjustment);
    if (bar === undefined) throw new NotFoundError(`Unknown symbol ${symbol}.`);
    const body = jsonBody([
      `{"symbol":"${symbol}","timeframe":"${timeframe}","bar":`,
      bar ?? 'null',
      '}',
    ]);
    const response = { body, etag: etagOf(body) };
    if (key !== undefined) this.cache.set(key, response);
    return { kind: 'json', cacheControl, ...response };
  }

  /**
   * The cache generation a page of the symbol depends on: its base series, and for an adjusted
   * page also the daily series (a dividend's factor comes from the daily close before its
   * ex-date). Corporate actions publish both series when they change.
   */
  private generation(
    symbol: string,
    timeframe: Timeframe,
    adjustment: BarsSelection['adjustment'],
  ): string {
    const base = TIMEFRAME_SPECS[timeframe].base;
    const own = this.cache.generation(symbol, base);
    if (!adjustment || base === '1d') return own;
    return `${own}+${this.cache.generation(symbol, '1d')}`;
  }

  private parseSymbolList(list: string): string[] {
    const parts = list.split(',').map((s) => s.trim());
    if (parts.some((s) => s === '')) {
      throw InvalidInputError.field(
        'symbols',
        'must be a comma-separated list without empty entries',
      );
    }
    if (parts.length > MAX_SYMBOLS) {
      throw InvalidInputError.field('symbols', `must list at most ${MAX_SYMBOLS} symbols`);
    }
    const symbols = parts.map((s) => normaliseSymbol(s, 'symbols'));
    return [...new Set(symbols)].sort();
  }

  /** The inclusive end the envelope echoes. */
  private endOf(resolved: ResolvedQuery): string {
    return new Date(resolved.endExclusiveMs - 1).toISOString();
  }

  private cursorAfter(resolved: ResolvedQuery, lastMicros: string, symbol?: string): string {
    return encodeCursor(
      {
        afterMicros: lastMicros,
        symbol,
        startMs: resolved.startMs,
        endExclusiveMs: resolved.endExclusiveMs,
      },
      resolved.fingerprint,
    );
  }

  /**
   * Ranges that reach the last day may still grow (today's bars arrive), so clients revalidate
   * every time (cheap with the ETag); older history may be kept for the cache TTL.
   */
  private cacheControl(endExclusiveMs: number): string {
    const ttl = this.cache.ttlSeconds;
    if (ttl === 0 || endExclusiveMs > this.clock.now().getTime() - DAY_MS) {
      return 'public, no-cache';
    }
    return `public, max-age=${ttl}`;
  }
}

import { Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';

import { Clock } from '../common/clock';
import { InvalidInputError, NotFoundError } from '../common/domain-error';
import { jsonBody } from '../common/json-body';
import { normaliseSymbol } from '../market/symbol';
import { Timeframe, TIMEFRAME_SPECS } from '../market/timeframes';
import { BarsCache, CachedResponse, etagOf } from './cache/bars-cache';
import { BarsQueryDto, LatestBarQueryDto, MultiBarsQueryDto } from './http/bars-query.dto';
import { encodeCursor } from './query/bar-cursor';
import { BarQueryResolver, ResolvedQuery } from './query/bar-query.resolver';
import { BarsRepository } from './read/bars.repository';
import { StreamedBarsPage } from './read/streamed-bars-page';

export const MAX_SYMBOLS = 100;
const DAY_MS = 86_400_000;

export type BarsResponse =
  | ({ kind: 'json'; cacheControl: string } & CachedResponse)
  /** A large page streamed as it is read (StreamedBarsPage); never cached here. */
  | { kind: 'json-stream'; stream: Readable; etag: string; cacheControl: string }
  | { kind: 'csv'; stream: Readable; cacheControl: string; filename: string };

@Injectable()
export class BarsService {
  constructor(
    private readonly repository: BarsRepository,
    private readonly resolver: BarQueryResolver,
    private readonly cache: BarsCache,
    private readonly clock: Clock,
  ) {}

  async getBars(rawSymbol: string, query: BarsQueryDto, accept?: string): Promise<BarsResponse> {
    const symbol = normaliseSymbol(rawSymbol);
    const resolved = this.resolver.resolve([symbol], query, accept);
    const cacheControl = this.cacheControl(resolved.endExclusiveMs);
    if (resolved.format === 'csv') {
      // COPY of an unknown symbol would stream just the header: tell 404 apart first.
      if ((await this.repository.findKnownSymbols([symbol])).length === 0) {
        throw new NotFoundError(`Unknown symbol ${symbol}.`);
      }
      const stream = await this.repository.streamBarsCsv(resolved.selection);
      const filename = `${symbol.replace(/:/g, '_')}-${resolved.selection.timeframe}.csv`;
      return { kind: 'csv', stream, cacheControl, filename };
    }
    // The key is only worth building when the cache is in use (it serialises the selection).
    const key = this.cache.active
      ? `1|${this.cache.generation(symbol, TIMEFRAME_SPECS[resolved.selection.timeframe].base)}|${JSON.stringify(resolved.selection)}`
      : undefined;
    const cached = key === undefined ? undefined : this.cache.get(key);
    if (cached) return { kind: 'json', cacheControl, ...cached };

    const page = await this.repository.findBarsPage(resolved.selection);
    if (!page) throw new NotFoundError(`Unknown symbol ${symbol}.`);
    const lastMicros = page instanceof StreamedBarsPage ? page.lastMicros : page.last_micros;
    const next = page.more && lastMicros ? this.cursorAfter(resolved, lastMicros) : null;
    const head =
      `{"symbol":"${symbol}","timeframe":"${resolved.selection.timeframe}",` +
      `"start":"${resolved.selection.startIso}","end":"${new Date(resolved.endExclusiveMs - 1).toISOString()}",` +
      `"count":${page.n},"bars":[`;
    const tail = `],"nextCursor":${next ? `"${next}"` : 'null'}}`;
    if (page instanceof StreamedBarsPage)
      return this.streamedResponse(page, head, tail, cacheControl);
    const parts = [head];
    page.pieces.forEach((piece, i) => (i === 0 ? parts.push(piece) : parts.push(',', piece)));
    parts.push(tail);
    const body = jsonBody(parts);
    const response = { body, etag: etagOf(body) };
    if (key !== undefined) this.cache.set(key, response);
    return { kind: 'json', cacheControl, ...response };
  }

  /**
   * The body of a large page as a stream: envelope, the bars' bytes as the COPY delivers them,
   * envelope. Its ETag cannot hash bytes not read yet, so it hashes the envelope around the MD5
   * of the bars text that PostgreSQL computed over the same page: the same bytes give the same
   * tag. The stream closing for any reason (end, client gone, 304) closes the page.
   */
  private streamedResponse(
    page: StreamedBarsPage,
    head: string,
    tail: string,
    cacheControl: string,
  ): BarsResponse {
    async function* body(): AsyncGenerator<Buffer | string> {
      yield head;
      yield* page.body;
      yield tail;
    }
    // Bytes mode with no read-ahead: the next piece is pulled from the COPY only when the socket
    // has taken the last one (strings are encoded as they are pushed; the head and tail only).
    const stream = Readable.from(body(), { objectMode: false, highWaterMark: 0 });
    stream.once('close', () => page.close());
    return {
      kind: 'json-stream',
      stream,
      cacheControl,
      etag: etagOf(`${head}${page.digest}${tail}`),
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
    const base = TIMEFRAME_SPECS[resolved.selection.timeframe].base;
    const generations = symbols.map((s) => this.cache.generation(s, base)).join(',');
    const key = `n|${generations}|${JSON.stringify(resolved.selection)}`;
    const cacheControl = this.cacheControl(resolved.endExclusiveMs);
    const cached = this.cache.get(key);
    if (cached) return { kind: 'json', cacheControl, ...cached };

    const known = new Set(await this.repository.findKnownSymbols(symbols));
    const unknown = symbols.filter((s) => !known.has(s));
    if (unknown.length) throw new NotFoundError(`Unknown symbols: ${unknown.join(', ')}.`);
    const page = await this.repository.findMultiSymbolPage(resolved.selection);
    const next =
      page.more && page.last_micros
        ? this.cursorAfter(resolved, page.last_micros, page.last_symbol ?? undefined)
        : null;
    // Every requested symbol is a key, with [] when this page holds none of its bars.
    const present = new Set(page.present ?? []);
    const empty = symbols.filter((s) => !present.has(s)).map((s) => `"${s}":[]`);
    const body = jsonBody([
      `{"timeframe":"${resolved.selection.timeframe}","start":"${resolved.selection.startIso}",` +
        `"end":"${new Date(resolved.endExclusiveMs - 1).toISOString()}","count":${page.n},"bars":{`,
      page.body ?? '',
      page.body && empty.length ? ',' : '',
      empty.join(','),
      `},"nextCursor":${next ? `"${next}"` : 'null'}}`,
    ]);
    const response = { body, etag: etagOf(body) };
    this.cache.set(key, response);
    return { kind: 'json', cacheControl, ...response };
  }

  async getLatest(
    rawSymbol: string,
    query: LatestBarQueryDto,
  ): Promise<{ symbol: string; timeframe: Timeframe; bar: Record<string, unknown> | null }> {
    const symbol = normaliseSymbol(rawSymbol);
    const timeframe = query.timeframe ?? '1d';
    const { known, lastBarAt } = await this.repository.findLastBarTime(
      symbol,
      TIMEFRAME_SPECS[timeframe].base,
    );
    if (!known) throw new NotFoundError(`Unknown symbol ${symbol}.`);
    if (!lastBarAt) return { symbol, timeframe, bar: null };
    const last = lastBarAt.getTime();
    const page = await this.repository.findPageInOneStatement({
      symbols: [symbol],
      timeframe,
      startIso: new Date(last - TIMEFRAME_SPECS[timeframe].latestLookbackMs).toISOString(),
      endExclusiveIso: new Date(last + 1).toISOString(),
      sort: 'desc',
      validatedOnly: false,
      includeQuality: false,
      limit: 1,
    });
    const bar = page?.pieces.length
      ? (JSON.parse(page.pieces[0]) as Record<string, unknown>)
      : null;
    return { symbol, timeframe, bar };
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

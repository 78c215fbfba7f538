import { Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

import type { BaseTimeframe } from '../backfill/providers/market-data-provider';
import { ReadPool } from '../database/read-pool';
import { timed } from '../metrics/instruments';
import { BarsSelection, multiJsonSql, singleCsvCopySql, singleJsonSql } from './bars-sql';

export interface BarsPageRow {
  n: number;
  more: boolean;
  /** Last bucket of the page, epoch microseconds; null when the page is empty. */
  last_micros: string | null;
  /** The page's bars as JSON objects separated by commas (no brackets); null when empty. */
  body: string | null;
}

/** One page of a single symbol: the bars' JSON in order, in one or more pieces. */
export interface BarsPage {
  n: number;
  more: boolean;
  last_micros: string | null;
  /** Comma-separated JSON objects; join the pieces with commas. Empty when the page is. */
  pieces: string[];
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

  /** The page, or undefined when the symbol is unknown. */
  async findBarsPage(selection: BarsSelection): Promise<BarsPage | undefined> {
    const { sql, params } = singleJsonSql(selection);
    const rows = await timed(
      'BarsRepository.findBarsPage',
      () => this.reads.prepared<BarsPageRow>(sql, params),
      params,
    );
    if (rows.length === 0) return undefined;
    const pieces: string[] = [];
    for (const row of rows) if (row.body) pieces.push(row.body);
    const { n, more, last_micros } = rows[0];
    return { n, more, last_micros, pieces };
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
   * The connection is checked out of the pool for the stream's life and returned when it ends;
   * when the client goes away mid-stream it is destroyed instead (a half-read COPY leaves the
   * connection unusable).
   */
  async streamBarsCsv(selection: BarsSelection): Promise<Readable> {
    const { sql, params } = singleCsvCopySql(selection);
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
      if (params.length) {
        const sets = params.map((_, i) => `set_config('mdw_query.p${i + 1}', $${i + 1}, true)`);
        await client.query(`SELECT ${sets.join(', ')}`, params);
      }
      const stream = client.query(copyTo(sql));
      let ended = false;
      stream.on('end', () => {
        ended = true;
        release();
      });
      stream.on('error', (error: Error) => release(error));
      stream.on('close', () => {
        if (!ended) release(new Error('CSV stream closed before the end'));
      });
      return stream;
    } catch (error) {
      release(error as Error);
      throw error;
    }
  }
}

import type { BarsSelection } from '../selection';
import { barJsonSql, micros } from './bar-text';
import { BuiltSql, direction, Params } from './params';
import { NO_CUTS, pieceAggregates, pieceColumns, pieceCutsSql, piecedRowsSql } from './pieces';
import { rowsSql } from './rows';

/**
 * Single symbol, JSON, one row: `{ n, more, last_micros, seam_micros, body, extra }`, or no row
 * when the symbol is unknown (so 404 and "known but empty" are told apart in the same round
 * trip).
 *
 * `body` is the bars as JSON objects separated by commas (null when the page is empty),
 * `string_agg`'d over the rows subquery, which returns at most limit + 1 bars in page order (the
 * one past the page only says whether another follows): when `more` is true the body ends with
 * that extra bar and `extra` is true, and the caller drops the body's last object. Formatting
 * one bar too many costs ~5 µs; leaving it out inside PostgreSQL (numbering the rows with a
 * window function, or an array sliced to the page) cost 1–1.5 ms per 1,000-bar page
 * (docs/PERFORMANCE.md). A page that can hold more than PAGE_CHUNK_BARS comes in pieces, `body`
 * then `body_2`, ... (pieceCutsSql), each a separate string of at most PAGE_CHUNK_BARS bars (+
 * the extra one in the last); they join with commas, and the extra bar is in the last piece that
 * is not NULL.
 *
 * The second half of a page read in two halves (`skip`) starts after the selection's first
 * `skip` bars, found on the primary-key index alone, and reports in `seam_micros` the bar before
 * it (see ReadPlan).
 *
 * The aggregates' ORDER BY matches the subquery's order, which PostgreSQL (16+) sees and does not
 * sort again. Only the page's last bucket needs its microseconds (numeric arithmetic): the raw
 * buckets are aggregated and one converted, not every row (~1.5 ms less per 1,000-bar page).
 */
export function singlePageSql(sel: BarsSelection, options: PageSqlOptions = {}): BuiltSql {
  const p = new Params('bind');
  const symbol = p.add(sel.symbols[0], 'text');
  const limit = p.add(sel.limit ?? 0, 'int');
  const dir = direction(sel.sort);
  // Second half of a split page: the (skip)-th and (skip + 1)-th bars of the selection, found
  // on the primary-key index alone; the page starts at the latter.
  const skip = sel.skip !== undefined ? p.add(sel.skip - 1, 'int') : null;
  const { rows, whereAt, edgeJoin, cutShort } = rowsSql(sel, p, {
    symbolAt: (a) => `${a}.symbol = s.symbol`,
    multi: false,
    limitRows: (sel.limit ?? 0) + 1,
    extraWhere: skip ? `b.ts ${dir === 'ASC' ? '>=' : '<='} seam.ts[2]` : undefined,
    boundedRaw: options.boundedRaw,
  });
  const seam = skip
    ? `CROSS JOIN LATERAL (
      SELECT array_agg(x.ts ORDER BY x.ts ${dir}) AS ts FROM (
        SELECT x.ts FROM bars x WHERE ${whereAt('x')} ORDER BY x.ts ${dir} OFFSET ${skip} LIMIT 2
      ) x
    ) seam`
    : '';
  const order = `ORDER BY r.bucket ${dir}`;
  const cuts = options.pieces === false ? NO_CUTS : pieceCutsSql(sel, p, whereAt, dir);
  const sql = `SELECT pg.n, pg.more, ${micros('pg.last')} AS last_micros,
           ${skip ? micros('seam.ts[1]') : 'NULL'} AS seam_micros, ${pieceColumns(cuts.count, 'pg')},
           pg.more AS extra${cutShort ? `, ${cutShort('pg.more')} AS short` : ''}
    FROM symbols s
    ${seam}
    ${edgeJoin}
    ${cuts.join}
    CROSS JOIN LATERAL (${pageAggregatesSql(limit, order, pieceAggregates(cuts, barJsonSql(sel.includeQuality), dir, order), piecedRowsSql(cuts, rows, dir))}) pg
    WHERE s.symbol = ${symbol}`;
  return { sql, params: p.values };
}

export interface PageSqlOptions {
  /**
   * Aggregate at most this many raw bars (see RowsOptions.boundedRaw); the statement then also
   * returns `short`: true when the bound cut the page short and it must be read unbounded.
   */
  boundedRaw?: number;
  /** Cut a page of more than PAGE_CHUNK_BARS bars into pieces (default true). */
  pieces?: boolean;
}

/** The page's size, next-page flag, last bucket and bars (`bars`: aggregates over `r`). */
export function pageAggregatesSql(
  limit: string,
  order: string,
  bars: string,
  from: string,
): string {
  return `SELECT least(count(*), ${limit})::int AS n,
             count(*) > ${limit} AS more,
             (array_agg(r.bucket ${order}))[least(count(*), ${limit})] AS last,
             ${bars}
      FROM ${from}`;
}

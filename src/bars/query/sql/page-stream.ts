import type { BarsSelection } from '../selection';
import { barJsonSql, micros } from './bar-text';
import { BuiltSql, direction, Params } from './params';
import { NO_CUTS, PAGE_CHUNK_BARS, piecedRowsSql } from './pieces';
import { rowsSql } from './rows';
import { pageAggregatesSql, PageSqlOptions } from './single-page';

/**
 * Single symbol, JSON, streamed: a `COPY ... TO STDOUT (FORMAT binary)` of rows `(meta, body)`,
 * none when the symbol is unknown. Each body holds the next PAGE_CHUNK_BARS bars of the page
 * (exactly the page), the ones after the first starting with their comma, so the bodies
 * concatenated are the page's text. The first row's meta is `{ n, more, lastMicros, digest }` (and
 * `short`, see PageSqlOptions) as
 * JSON, the digest being the MD5 of the page's text: the reader streams the bodies as they
 * arrive (CopyPageReader) and still sends a strong validator first. Binary COPY sends text as
 * raw bytes, so the page never becomes a JavaScript string; values are bound as settings (COPY
 * takes no bind parameters).
 */
export function singlePageStreamSql(sel: BarsSelection, options: PageSqlOptions = {}): BuiltSql {
  const p = new Params('setting');
  const symbol = p.add(sel.symbols[0], 'text');
  const limit = p.add(sel.limit ?? 0, 'int');
  const dir = direction(sel.sort);
  const { rows, edgeJoin, cutShort } = rowsSql(sel, p, {
    symbolAt: (a) => `${a}.symbol = s.symbol`,
    multi: false,
    limitRows: (sel.limit ?? 0) + 1,
    boundedRaw: options.boundedRaw,
  });
  const order = `ORDER BY r.bucket ${dir}`;
  const bars = `(array_agg(${barJsonSql(sel.includeQuality)} ${order}))[1:${limit}] AS bars`;
  const sql = `COPY (
    SELECT CASE WHEN c.i IS NULL OR c.i = 1 THEN json_build_object(
             'n', pg.n, 'more', pg.more, 'lastMicros', ${micros('pg.last')}, 'digest', d.digest${cutShort ? `, 'short', ${cutShort('pg.more')}` : ''}
           )::text END AS meta,
           c.body
    FROM symbols s
    ${edgeJoin}
    CROSS JOIN LATERAL (${pageAggregatesSql(limit, order, bars, piecedRowsSql(NO_CUTS, rows, dir))}) pg
    -- The digest once per page (OFFSET 0 keeps this level from being merged into the rows the
    -- chunks add), and the chunks read from this level so that it is evaluated first.
    CROSS JOIN LATERAL (SELECT pg.bars, md5(array_to_string(pg.bars, ',')) AS digest OFFSET 0) d
    LEFT JOIN LATERAL (
      SELECT i, CASE WHEN i > 1 THEN ',' ELSE '' END
                || array_to_string(d.bars[i:i + ${PAGE_CHUNK_BARS - 1}], ',') AS body
      FROM generate_series(1, pg.n, ${PAGE_CHUNK_BARS}) i
    ) c ON true
    WHERE s.symbol = ${symbol}
    ORDER BY c.i
  ) TO STDOUT (FORMAT binary)`;
  return { sql, params: p.values };
}

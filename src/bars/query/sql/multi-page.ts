import type { BarsSelection } from '../selection';
import { barJsonSql, micros } from './bar-text';
import { BuiltSql, direction, Params } from './params';
import { PAGE_CHUNK_BARS, pieceColumn } from './pieces';
import { rowsSql } from './rows';

/**
 * The page of a multi-symbol read: rows over (symbol, bucket), numbered (`rn`), each bar's text
 * with what precedes it in the page's `"SYM":[...],"SYM2":[...` text (the opening of its
 * symbol's array, or a comma), so that the fragments concatenated in order are the page's text
 * but its final `]`. The row past the limit (rn = limit + 1) only says that another page follows.
 */
function multiPageCte(sel: BarsSelection, p: Params): { cte: string; limit: string } {
  const symbols = p.add(`{${sel.symbols.join(',')}}`, 'text[]');
  const limit = p.add(sel.limit ?? 0, 'int');
  const { rows } = rowsSql(sel, p, {
    symbolAt: (a) => `${a}.symbol = ANY(${symbols})`,
    multi: true,
    limitRows: (sel.limit ?? 0) + 1,
  });
  const dir = direction(sel.sort);
  const window = `(ORDER BY r.symbol, r.bucket ${dir})`;
  const cte = `WITH page AS (
      SELECT row_number() OVER ${window} AS rn, r.symbol, r.bucket,
             CASE WHEN row_number() OVER ${window} = 1 THEN '"' || r.symbol || '":['
                  WHEN r.symbol IS DISTINCT FROM lag(r.symbol) OVER ${window}
                    THEN '],"' || r.symbol || '":['
                  ELSE ',' END
             || ${barJsonSql(sel.includeQuality)} AS j
      FROM (${rows}) r
    )`;
  return { cte, limit };
}

/** The page's size, next-page flag, last position and the symbols it holds. */
const metaColumns = (limit: string): string =>
  `(SELECT count(*) FROM page WHERE rn <= ${limit})::int AS n,
           (SELECT count(*) FROM page) > ${limit} AS more,
           (SELECT ${micros('bucket')} FROM page WHERE rn = ${limit}) AS last_micros,
           (SELECT symbol FROM page WHERE rn = ${limit}) AS last_symbol,
           (SELECT array_agg(DISTINCT symbol) FROM page WHERE rn <= ${limit}) AS present`;

/**
 * Several symbols, JSON, one row: `{ n, more, last_micros, last_symbol, present, body, ... }`
 * with the page's text in `pieces` columns of at most PAGE_CHUNK_BARS bars (`body`, `body_2`,
 * ...; NULL when empty), which concatenate (no separator) into `"SYM":[...],...` without the
 * final `]`.
 */
export function multiPageSql(sel: BarsSelection, pieces: number): BuiltSql {
  const p = new Params('bind');
  const { cte, limit } = multiPageCte(sel, p);
  const bodies = Array.from({ length: pieces }, (_, i) => {
    const range = [
      i > 0 ? `rn > ${i * PAGE_CHUNK_BARS}` : null,
      `rn <= ${i === pieces - 1 ? limit : (i + 1) * PAGE_CHUNK_BARS}`,
    ].filter((condition) => condition !== null);
    return `(SELECT string_agg(j, '' ORDER BY rn) FROM page WHERE ${range.join(' AND ')}) AS ${pieceColumn(i)}`;
  });
  const sql = `${cte}
    SELECT ${metaColumns(limit)},
           ${bodies.join(',\n           ')}`;
  return { sql, params: p.values };
}

/**
 * Several symbols, JSON, streamed (like singlePageStreamSql): a binary COPY of `(meta, body)`
 * rows, each body the next PAGE_CHUNK_BARS bars' fragments; the first row's meta is
 * `{ n, more, lastMicros, lastSymbol, present, digest }`.
 */
export function multiPageStreamSql(sel: BarsSelection): BuiltSql {
  const p = new Params('setting');
  const { cte, limit } = multiPageCte(sel, p);
  const sql = `COPY (
    ${cte},
    meta AS (
      SELECT ${metaColumns(limit)},
             (SELECT array_agg(j ORDER BY rn) FROM page WHERE rn <= ${limit}) AS bars
    )
    SELECT CASE WHEN c.i IS NULL OR c.i = 1 THEN json_build_object(
             'n', m.n, 'more', m.more, 'lastMicros', m.last_micros, 'lastSymbol', m.last_symbol,
             'present', m.present, 'digest', md5(array_to_string(m.bars, ''))
           )::text END AS meta,
           c.body
    FROM meta m
    LEFT JOIN LATERAL (
      SELECT i, array_to_string(m.bars[i:i + ${PAGE_CHUNK_BARS - 1}], '') AS body
      FROM generate_series(1, m.n, ${PAGE_CHUNK_BARS}) i
    ) c ON true
    ORDER BY c.i
  ) TO STDOUT (FORMAT binary)`;
  return { sql, params: p.values };
}

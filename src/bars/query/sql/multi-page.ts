import type { BarsSelection } from '../selection';
import { barJsonSql, micros } from './bar-text';
import { BuiltSql, direction, Params } from './params';
import { rowsSql } from './rows';

/**
 * Several symbols, JSON, one statement: pages over (symbol, bucket); returns
 * `{ n, more, last_micros, last_symbol, present, body }` where body is `"SYM":[...],...`.
 */
export function multiPageSql(sel: BarsSelection): BuiltSql {
  const p = new Params('bind');
  const symbols = p.add(`{${sel.symbols.join(',')}}`, 'text[]');
  const limit = p.add(sel.limit ?? 0, 'int');
  const { rows } = rowsSql(sel, p, {
    symbolAt: (a) => `${a}.symbol = ANY(${symbols})`,
    multi: true,
    limitRows: (sel.limit ?? 0) + 1,
  });
  const dir = direction(sel.sort);
  const sql = `WITH page AS (
      SELECT row_number() OVER (ORDER BY r.symbol, r.bucket ${dir}) AS rn, r.symbol,
             r.bucket, ${barJsonSql(sel.includeQuality)} AS j
      FROM (${rows}) r
    )
    SELECT (SELECT count(*) FROM page WHERE rn <= ${limit})::int AS n,
           (SELECT count(*) FROM page) > ${limit} AS more,
           (SELECT ${micros('bucket')} FROM page WHERE rn = ${limit}) AS last_micros,
           (SELECT symbol FROM page WHERE rn = ${limit}) AS last_symbol,
           (SELECT array_agg(DISTINCT symbol) FROM page WHERE rn <= ${limit}) AS present,
           (SELECT string_agg('"' || t.symbol || '":[' || t.rows || ']', ',' ORDER BY t.symbol)
              FROM (SELECT symbol, string_agg(j, ',' ORDER BY rn) AS rows
                    FROM page WHERE rn <= ${limit} GROUP BY symbol) t) AS body`;
  return { sql, params: p.values };
}

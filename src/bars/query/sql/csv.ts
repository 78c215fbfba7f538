import type { BarsSelection } from '../selection';
import { csvColumnsSql } from './bar-text';
import { BuiltSql, Params } from './params';
import { rowsSql } from './rows';

/** Single symbol as CSV through COPY, columns and header from the field table. */
export function csvSql(sel: BarsSelection): BuiltSql {
  const p = new Params('setting');
  const symbol = p.add(sel.symbols[0], 'text');
  // The rows subquery is already ordered (by the primary-key index for stored timeframes), so
  // the first line leaves at once instead of after a sort of the whole export.
  const { rows } = rowsSql(sel, p, {
    symbolAt: (a) => `${a}.symbol = ${symbol}`,
    multi: false,
    limitRows: sel.limit,
    join: true,
  });
  const sql = `COPY (
      SELECT ${csvColumnsSql(sel.includeQuality)}
      FROM (${rows}) r
    ) TO STDOUT WITH (FORMAT csv, HEADER true)`;
  return { sql, params: p.values };
}

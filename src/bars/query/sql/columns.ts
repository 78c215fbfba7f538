import { BarField, servedFields } from '../../bar-fields';
import type { BarsSelection } from '../selection';
import { BuiltSql, Params } from './params';
import { rowsSql } from './rows';

/**
 * A field as a typed column of a binary COPY, by kind: what read/bar-columns.ts decodes and the
 * Arrow schema declares. PostgreSQL sends these as fixed-size binary values (a double is its
 * eight bytes, a timestamp its microseconds), so nothing is formatted as text on either side.
 * Aggregates may change a column's type (`sum` of a bigint is numeric): the casts pin it.
 */
function typedColumnSql(field: BarField): string {
  const ref = `r.${field.column}`;
  switch (field.kind) {
    case 'time':
      return ref;
    case 'price':
    case 'volume':
      return `${ref}::float8`;
    case 'count':
      return `${ref}::int8`;
    case 'score':
      return `${ref}::float4`;
    case 'labels':
      // Flags are identifiers without commas (the flags aggregate relies on that too).
      return `array_to_string(${ref}, ',')`;
  }
}

const typedColumns = (sel: BarsSelection): string =>
  servedFields(sel.includeQuality).map(typedColumnSql).join(', ');

export interface ColumnsSqlOptions {
  /** Aggregate at most this many raw bars (see RowsOptions.boundedRaw). */
  boundedRaw?: number;
}

/**
 * Single symbol, typed columns: `COPY (...) TO STDOUT (FORMAT binary)` of one row per bar (the
 * served fields, as typedColumnSql), at most `limit + 1` in page order (the one past the page
 * says whether another follows), all of them without a limit (an export).
 *
 * The rows hang off the symbol's row with a LEFT JOIN, so an unknown symbol gives no row and a
 * known one without bars one row of NULLs: one statement tells 404 from an empty page. With a
 * bounded aggregation every row ends with `edge`: true when the bound was reached, which cut
 * the page short when it also came back without its probe row (the reader's call).
 *
 * Order: a nested loop from the symbol's single row returns the LATERAL rows in their own
 * order, so the page order needs no sort on top (a sort would hold a whole export back).
 */
export function singleColumnsSql(sel: BarsSelection, options: ColumnsSqlOptions = {}): BuiltSql {
  const p = new Params('setting');
  const symbol = p.add(sel.symbols[0], 'text');
  const { rows, edgeJoin, cutShort } = rowsSql(sel, p, {
    symbolAt: (a) => `${a}.symbol = s.symbol`,
    multi: false,
    limitRows: sel.limit === undefined ? undefined : sel.limit + 1,
    boundedRaw: options.boundedRaw,
  });
  // cutShort('false'): the bound was reached, whatever the page holds.
  const edge = cutShort ? `, ${cutShort('false')} AS edge` : '';
  const sql = `COPY (
    SELECT ${typedColumns(sel)}${edge}
    FROM symbols s
    ${edgeJoin}
    LEFT JOIN LATERAL (${rows}) r ON true
    WHERE s.symbol = ${symbol}
  ) TO STDOUT (FORMAT binary)`;
  return { sql, params: p.values };
}

/**
 * Several symbols, typed columns: a binary COPY of `(symbol, fields...)` rows in page order
 * (symbol, then time), at most `limit + 1` (all without a limit). The symbols' existence is
 * checked before.
 */
export function multiColumnsSql(sel: BarsSelection): BuiltSql {
  const p = new Params('setting');
  const symbols = p.add(`{${sel.symbols.join(',')}}`, 'text[]');
  const { rows } = rowsSql(sel, p, {
    symbolAt: (a) => `${a}.symbol = ANY(${symbols})`,
    multi: true,
    limitRows: sel.limit === undefined ? undefined : sel.limit + 1,
  });
  const sql = `COPY (
    SELECT r.symbol, ${typedColumns(sel)}
    FROM (${rows}) r
  ) TO STDOUT (FORMAT binary)`;
  return { sql, params: p.values };
}

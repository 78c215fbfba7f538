import { Bucketing, TIMEFRAME_SPECS } from '../../../market/timeframes';
import { BAR_FIELDS } from '../../bar-fields';
import type { BarsSelection } from '../selection';
import { adjustmentSql } from './adjustment';
import { direction, Params } from './params';

export interface RowsSql {
  /** The rows subquery, in page order: a row per bar or bucket, columns as in BAR_FIELDS. */
  rows: string;
  /** The selection's conditions on raw bars under another alias (same bind parameters). */
  whereAt: (alias: string) => string;
  /**
   * A bounded aggregation's edge (see RowsOptions.boundedRaw): the LATERAL join that finds it,
   * to place before the rows in the statement, and the condition that says the bound cut the
   * page short; '' and null when not bounded.
   */
  edgeJoin: string;
  cutShort: ((more: string) => string) | null;
}

export interface RowsOptions {
  /** How the raw bars' symbol is matched (`${alias}.symbol = ...`). */
  symbolAt: (alias: string) => string;
  /** Pages over (symbol, bucket) instead of bucket alone. */
  multi: boolean;
  /** At most this many rows; none: all of them. */
  limitRows?: number;
  /** Join the raw bars to their `symbols` row as `s` (the statement has no outer `s`). */
  join?: boolean;
  /** One more condition on the raw bars `b`. */
  extraWhere?: string;
  /**
   * Aggregate only the first this many raw bars of the selection (in page order), so that a
   * page costs in proportion to the page, not to the range behind it (a request without `end`
   * would otherwise aggregate every bar to the end of the data before the limit applies).
   * The edge is the raw bar at that position, found by an index-only OFFSET probe; the bucket
   * it falls in may be partial and is left out, so every bucket served is complete. The caller
   * sizes the bound so that it holds more buckets than the page when base bars are at least
   * their base spacing apart; when they are not (`cutShort` true), it reads again unbounded.
   */
  boundedRaw?: number;
  /** The time range as SQL (the latest bar's lookback) instead of the selection's, bound. */
  range?: { start: string; endExclusive: string };
}

const EPOCH = `TIMESTAMPTZ '1970-01-01 00:00:00+00'`;

/**
 * The bucket of a raw bar `b.ts` as SQL (see Bucketing), in the symbol's time zone
 * `s.time_zone` where local; null for stored timeframes. Fixed fragments chosen from the table,
 * never built from input.
 */
function bucketSql(bucketing: Bucketing, ts = 'b.ts'): string | null {
  switch (bucketing.kind) {
    case 'stored':
      return null;
    case 'epoch':
      return `date_bin(INTERVAL '${bucketing.interval}', ${ts}, ${EPOCH})`;
    case 'local':
      return `(date_bin(INTERVAL '${bucketing.interval}', ${ts} AT TIME ZONE s.time_zone, TIMESTAMP '2000-01-01') AT TIME ZONE s.time_zone)`;
    case 'calendar':
      return `(date_trunc('${bucketing.unit}', ${ts} AT TIME ZONE s.time_zone) AT TIME ZONE s.time_zone)`;
  }
}

/** A raw bar's field, as read without adjustment. */
const rawField = (column: string): string => `b.${column}`;

/**
 * The source rows of a selection: raw bars, or buckets aggregated from them, with the keyset
 * position, filters and limit applied, in page order.
 */
export function rowsSql(sel: BarsSelection, p: Params, options: RowsOptions): RowsSql {
  const { multi, limitRows } = options;
  const spec = TIMEFRAME_SPECS[sel.timeframe];
  const bucketExpression = bucketSql(spec.bucketing);
  const dir = direction(sel.sort);
  const timeframe = p.add(spec.base, 'text');
  const start = options.range?.start ?? p.add(sel.startIso, 'timestamptz');
  const end = options.range?.endExclusive ?? p.add(sel.endExclusiveIso, 'timestamptz');
  const quality = sel.minQuality !== undefined ? p.add(sel.minQuality, 'real') : null;
  // The keyset condition on the bucket. Every raw bar of a later bucket (asc) has ts >= that
  // bucket's start > the cursor, and of an earlier bucket (desc) ts < the cursor, so the same
  // condition on b.ts is an exact pre-filter that lets the primary-key index do the work.
  let keyset = (_alias: string, _column: string): string | null => null;
  if (sel.after) {
    const op = sel.sort === 'desc' ? '<' : '>';
    const at = p.add(sel.after.bucketIso, 'timestamptz');
    const sym = multi && sel.after.symbol !== undefined ? p.add(sel.after.symbol, 'text') : null;
    keyset = (a, column) =>
      sym
        ? `(${a}.symbol > ${sym} OR (${a}.symbol = ${sym} AND ${column} ${op} ${at}))`
        : `${column} ${op} ${at}`;
  }
  const whereAt = (a: string): string =>
    [
      options.symbolAt(a),
      `${a}.timeframe = ${timeframe}`,
      `${a}.ts >= ${start}`,
      `${a}.ts < ${end}`,
      sel.validatedOnly ? `${a}.validated` : null,
      quality ? `${a}.quality_score >= ${quality}` : null,
      keyset(a, `${a}.ts`),
    ]
      .filter((condition) => condition !== null)
      .join(' AND ');
  const join = options.join ?? multi;
  const order = multi ? `b.symbol, bucket ${dir}` : `bucket ${dir}`;
  const limit = limitRows !== undefined ? `LIMIT ${p.add(limitRows, 'int')}` : '';
  // Adjusted reads: each raw bar's prices and volume through its symbol's factors (adjustment.ts),
  // before any aggregation, so a bucket aggregates adjusted bars.
  const adjusted = adjustmentSql(sel.adjustment, options.symbolAt);
  const field = adjusted?.field ?? rawField;
  const withFactors = adjusted
    ? `WITH ${adjusted.cte}
            `
    : '';
  const from = `FROM bars b ${join ? 'JOIN symbols s ON s.symbol = b.symbol' : ''}${adjusted ? ` ${adjusted.join}` : ''}`;

  const conditions = [whereAt('b')];
  if (options.extraWhere) conditions.push(options.extraWhere);

  if (bucketExpression === null) {
    const columns = BAR_FIELDS.slice(1).map(({ column }) =>
      adjusted ? `${field(column)} AS ${column}` : field(column),
    );
    const rows = `${withFactors}SELECT b.symbol, b.ts AS bucket, ${columns.join(', ')}
            ${from}
            WHERE ${conditions.join(' AND ')}
            ORDER BY ${order} ${limit}`;
    return { rows, whereAt, edgeJoin: '', cutShort: null };
  }
  const outer = sel.after ? [keyset('b', 'b.bucket')!] : [];
  let edgeJoin = '';
  let cutShort: RowsSql['cutShort'] = null;
  if (options.boundedRaw !== undefined) {
    // No edge (the range holds fewer raw bars): an infinite one, so that the conditions stay
    // plain comparisons that bound the index scan (an OR with IS NULL would not).
    const [op, beyond] = dir === 'ASC' ? ['<', 'infinity'] : ['>', '-infinity'];
    const none = `TIMESTAMPTZ '${beyond}'`;
    edgeJoin = `CROSS JOIN LATERAL (SELECT (SELECT x.ts FROM bars x WHERE ${whereAt('x')}
        ORDER BY x.ts ${dir} OFFSET ${p.add(options.boundedRaw - 1, 'int')} LIMIT 1) AS ts OFFSET 0) edge`;
    conditions.push(`b.ts ${op} coalesce(edge.ts, ${none})`);
    outer.push(`b.bucket ${op} coalesce(${bucketSql(spec.bucketing, 'edge.ts')}, ${none})`);
    cutShort = (more) => `(edge.ts IS NOT NULL AND NOT ${more})`;
  }
  const aggregates = BAR_FIELDS.slice(1).map(
    ({ aggregate, column }) => `${aggregate(field, 'b.ts')} AS ${column}`,
  );
  const rows = `${withFactors}SELECT * FROM (
            SELECT b.symbol, ${bucketExpression} AS bucket,
              ${aggregates.join(',\n              ')}
            ${from}
            WHERE ${conditions.join(' AND ')}
            GROUP BY b.symbol, 2
          ) b
          ${outer.length ? `WHERE ${outer.join(' AND ')}` : ''}
          ORDER BY ${order} ${limit}`;
  return { rows, whereAt, edgeJoin, cutShort };
}

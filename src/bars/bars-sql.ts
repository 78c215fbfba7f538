import { Timeframe, TIMEFRAME_SPECS } from './timeframes';

/**
 * Builds the one SQL statement behind each bar read. Only fixed fragments chosen by validated
 * enums are spliced into the text; every value travels as a bind parameter. (COPY cannot take
 * bind parameters, so for CSV the same values are bound with `set_config` in the same transaction
 * and read back through `current_setting`: still never spliced into SQL.)
 */
export interface BarsSelection {
  /** One symbol (single-symbol endpoint) or several (multi). */
  symbols: string[];
  timeframe: Timeframe;
  startIso: string;
  endExclusiveIso: string;
  sort: 'asc' | 'desc';
  validatedOnly: boolean;
  minQuality?: number;
  includeQuality: boolean;
  /** Keyset position: strictly after this bucket (in sort order). */
  after?: { bucketIso: string; symbol?: string };
  /** Rows wanted; the statement fetches one more to know whether another page exists. */
  limit?: number;
}

export type ParamStyle = 'bind' | 'setting';

export interface BuiltSql {
  sql: string;
  params: string[];
}

const TS_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

class Params {
  readonly values: string[] = [];
  constructor(private readonly style: ParamStyle) {}

  add(value: string | number | boolean, type: string): string {
    this.values.push(String(value));
    const n = this.values.length;
    return this.style === 'bind' ? `$${n}::${type}` : `current_setting('mdw_query.p${n}')::${type}`;
  }
}

/** The source rows of a selection: raw bars, or buckets aggregated from them. */
function rowsSql(
  sel: BarsSelection,
  p: Params,
  symbolSql: string,
  multi: boolean,
  limitRows: number | undefined,
  join = multi,
): string {
  const spec = TIMEFRAME_SPECS[sel.timeframe];
  const dir = sel.sort === 'desc' ? 'DESC' : 'ASC';
  const where = [
    symbolSql,
    `b.timeframe = ${p.add(spec.base, 'text')}`,
    `b.ts >= ${p.add(sel.startIso, 'timestamptz')}`,
    `b.ts < ${p.add(sel.endExclusiveIso, 'timestamptz')}`,
  ];
  if (sel.validatedOnly) where.push('b.validated');
  if (sel.minQuality !== undefined) {
    where.push(`b.quality_score >= ${p.add(sel.minQuality, 'real')}`);
  }
  // The keyset condition on the bucket. Every raw bar of a later bucket (asc) has ts >= that
  // bucket's start > the cursor, and of an earlier bucket (desc) ts < the cursor, so the same
  // condition on b.ts is an exact pre-filter that lets the primary-key index do the work.
  let keyset = (_column: string): string | null => null;
  if (sel.after) {
    const op = sel.sort === 'desc' ? '<' : '>';
    const at = p.add(sel.after.bucketIso, 'timestamptz');
    const sym = multi && sel.after.symbol !== undefined ? p.add(sel.after.symbol, 'text') : null;
    keyset = (column) =>
      sym
        ? `(b.symbol > ${sym} OR (b.symbol = ${sym} AND ${column} ${op} ${at}))`
        : `${column} ${op} ${at}`;
    where.push(keyset('b.ts')!);
  }
  const order = multi ? `b.symbol, bucket ${dir}` : `bucket ${dir}`;
  const limit = limitRows !== undefined ? `LIMIT ${p.add(limitRows, 'int')}` : '';

  if (spec.bucket === null) {
    return `SELECT b.symbol, b.ts AS bucket, b.open, b.high, b.low, b.close, b.volume, b.vwap,
              b.trades, b.quality_score, b.flags
            FROM bars b ${join ? 'JOIN symbols s ON s.symbol = b.symbol' : ''}
            WHERE ${where.join(' AND ')}
            ORDER BY ${order} ${limit}`;
  }
  const bucket = spec.bucket.replace(/\btz\b/g, 's.time_zone');
  // First open / last close by time inside the bucket; vwap and trades only when every bar in
  // the bucket has them (a partial sum would silently understate the bucket).
  return `SELECT * FROM (
            SELECT b.symbol, ${bucket} AS bucket,
              (array_agg(b.open ORDER BY b.ts))[1] AS open,
              max(b.high) AS high, min(b.low) AS low,
              (array_agg(b.close ORDER BY b.ts DESC))[1] AS close,
              sum(b.volume) AS volume,
              CASE WHEN count(b.vwap) = count(*)
                THEN sum(b.vwap * b.volume) / nullif(sum(b.volume), 0) END AS vwap,
              CASE WHEN count(b.trades) = count(*) THEN sum(b.trades) END AS trades,
              min(b.quality_score) AS quality_score,
              ARRAY(SELECT DISTINCT f FROM unnest(string_to_array(
                string_agg(nullif(array_to_string(b.flags, ','), ''), ','), ',')) f
                ORDER BY 1) AS flags
            FROM bars b ${join ? 'JOIN symbols s ON s.symbol = b.symbol' : ''}
            WHERE ${where.join(' AND ')}
            GROUP BY b.symbol, 2
          ) b
          ${sel.after ? `WHERE ${keyset('b.bucket')}` : ''}
          ORDER BY ${order} ${limit}`;
}

/** One bar as JSON text, built by PostgreSQL (double precision prints shortest-exact). */
function barJsonSql(includeQuality: boolean): string {
  const quality = includeQuality
    ? ` || ',"qualityScore":' || r.quality_score || ',"flags":' || array_to_json(r.flags)`
    : '';
  return `'{"timestamp":"' || to_char(r.bucket AT TIME ZONE 'UTC', ${TS_FORMAT})
    || '","open":' || r.open || ',"high":' || r.high || ',"low":' || r.low
    || ',"close":' || r.close || ',"volume":' || r.volume
    || ',"vwap":' || coalesce(r.vwap::text, 'null')
    || ',"trades":' || coalesce(r.trades::text, 'null')${quality} || '}'`;
}

/** Exact epoch microseconds of a bucket, as text (for cursors). Computed once per page. */
const micros = (column: string): string =>
  `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;

/** Bars per returned row of a large page (see singleJsonSql). */
export const PAGE_CHUNK_BARS = 500;

/**
 * Single symbol, JSON: rows `{ tz, n, more, last_micros, body }`, or no row when the symbol is
 * unknown (so 404 and "known but empty" are told apart in the same round trip). `body` is the
 * page's bars as JSON objects separated by commas, null when the page is empty.
 *
 * A page of more than PAGE_CHUNK_BARS bars comes back as several rows, each with the next
 * PAGE_CHUNK_BARS bars in `body` (in order, the other columns repeated). One megabyte-sized value
 * would arrive as one protocol message that the pg client buffers by doubling, then decodes into
 * one string too large for V8's young generation; ~80 KB pieces stay cheap garbage, which keeps
 * the server's memory down under load (docs/PERFORMANCE.md).
 */
export function singleJsonSql(sel: BarsSelection): BuiltSql {
  const p = new Params('bind');
  const symbol = p.add(sel.symbols[0], 'text');
  const limit = p.add(sel.limit ?? 0, 'int');
  const rows = rowsSql(sel, p, `b.symbol = s.symbol`, false, (sel.limit ?? 0) + 1);
  const dir = sel.sort === 'desc' ? 'DESC' : 'ASC';
  const chunked = (sel.limit ?? 0) > PAGE_CHUNK_BARS;
  // The rows subquery returns at most limit + 1 rows in page order. Aggregating them into arrays
  // and slicing the first `limit` is ~35% cheaper in PostgreSQL than numbering them with a window
  // function and filtering each aggregate (measured on 1- and 1,000-bar pages).
  // Only the page's last bucket needs its microseconds (numeric arithmetic): aggregate the raw
  // buckets and convert one, not every row (~1.5 ms less per 1,000-bar page).
  const page = `SELECT least(count(*), ${limit})::int AS n,
             count(*) > ${limit} AS more,
             (array_agg(r.bucket ORDER BY r.bucket ${dir}))[least(count(*), ${limit})] AS last,
             (array_agg(${barJsonSql(sel.includeQuality)} ORDER BY r.bucket ${dir}))[1:${limit}] AS bars
      FROM (${rows}) r`;
  const head = `SELECT s.time_zone AS tz, pg.n, pg.more, ${micros('pg.last')} AS last_micros`;
  const sql = chunked
    ? `${head}, c.body
    FROM symbols s
    CROSS JOIN LATERAL (${page}) pg
    LEFT JOIN LATERAL (
      SELECT i, array_to_string(pg.bars[i:i + ${PAGE_CHUNK_BARS - 1}], ',') AS body
      FROM generate_series(1, pg.n, ${PAGE_CHUNK_BARS}) i
    ) c ON true
    WHERE s.symbol = ${symbol}
    ORDER BY c.i`
    : `${head}, array_to_string(pg.bars, ',') AS body
    FROM symbols s
    CROSS JOIN LATERAL (${page}) pg
    WHERE s.symbol = ${symbol}`;
  return { sql, params: p.values };
}

/**
 * Several symbols, JSON, one statement: pages over (symbol, bucket); returns
 * `{ n, more, last_micros, last_symbol, body }` where body is `"SYM":[...],...`.
 */
export function multiJsonSql(sel: BarsSelection): BuiltSql {
  const p = new Params('bind');
  const symbols = p.add(`{${sel.symbols.join(',')}}`, 'text[]');
  const limit = p.add(sel.limit ?? 0, 'int');
  const rows = rowsSql(sel, p, `b.symbol = ANY(${symbols})`, true, (sel.limit ?? 0) + 1);
  const dir = sel.sort === 'desc' ? 'DESC' : 'ASC';
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

/** Single symbol as CSV through COPY; values bound via settings (see the file comment). */
export function singleCsvCopySql(sel: BarsSelection): BuiltSql {
  const p = new Params('setting');
  const symbol = p.add(sel.symbols[0], 'text');
  // The rows subquery is already ordered (by the primary-key index for stored timeframes), so
  // the first line leaves at once instead of after a sort of the whole export.
  const rows = rowsSql(sel, p, `b.symbol = ${symbol}`, false, sel.limit, true);
  const quality = sel.includeQuality
    ? `, r.quality_score AS "qualityScore", array_to_string(r.flags, '|') AS flags`
    : '';
  const sql = `COPY (
      SELECT to_char(r.bucket AT TIME ZONE 'UTC', ${TS_FORMAT}) AS "timestamp", r.open, r.high,
             r.low, r.close, r.volume, r.vwap, r.trades${quality}
      FROM (${rows}) r
    ) TO STDOUT WITH (FORMAT csv, HEADER true)`;
  return { sql, params: p.values };
}

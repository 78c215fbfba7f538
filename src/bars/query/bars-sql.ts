import { Bucketing, Timeframe, TIMEFRAME_SPECS } from '../../market/timeframes';

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
  /**
   * Second half of a split page (single symbol, stored timeframe): the page starts after the
   * first `skip` bars of the selection, and the statement reports the `skip`-th bar's time
   * (`seam_micros`) so that the caller can check both halves saw the same bars.
   */
  skip?: number;
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

interface RowsSql {
  /** The rows subquery, in page order. */
  rows: string;
  /** The selection's conditions on raw bars under another alias (same bind parameters). */
  whereAt: (alias: string) => string;
}

/** The source rows of a selection: raw bars, or buckets aggregated from them. */
function rowsSql(
  sel: BarsSelection,
  p: Params,
  symbolAt: (alias: string) => string,
  multi: boolean,
  limitRows: number | undefined,
  options: { join?: boolean; extraWhere?: string } = {},
): RowsSql {
  const spec = TIMEFRAME_SPECS[sel.timeframe];
  const bucketExpression = bucketSql(spec.bucketing);
  const dir = sel.sort === 'desc' ? 'DESC' : 'ASC';
  const timeframe = p.add(spec.base, 'text');
  const start = p.add(sel.startIso, 'timestamptz');
  const end = p.add(sel.endExclusiveIso, 'timestamptz');
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
      symbolAt(a),
      `${a}.timeframe = ${timeframe}`,
      `${a}.ts >= ${start}`,
      `${a}.ts < ${end}`,
      sel.validatedOnly ? `${a}.validated` : null,
      quality ? `${a}.quality_score >= ${quality}` : null,
      keyset(a, `${a}.ts`),
    ]
      .filter((condition) => condition !== null)
      .join(' AND ');
  const where = options.extraWhere ? `${whereAt('b')} AND ${options.extraWhere}` : whereAt('b');
  const join = options.join ?? multi;
  const order = multi ? `b.symbol, bucket ${dir}` : `bucket ${dir}`;
  const limit = limitRows !== undefined ? `LIMIT ${p.add(limitRows, 'int')}` : '';

  if (bucketExpression === null) {
    const rows = `SELECT b.symbol, b.ts AS bucket, b.open, b.high, b.low, b.close, b.volume, b.vwap,
              b.trades, b.quality_score, b.flags
            FROM bars b ${join ? 'JOIN symbols s ON s.symbol = b.symbol' : ''}
            WHERE ${where}
            ORDER BY ${order} ${limit}`;
    return { rows, whereAt };
  }
  const bucket = bucketExpression;
  // First open / last close by time inside the bucket; vwap and trades only when every bar in
  // the bucket has them (a partial sum would silently understate the bucket).
  const rows = `SELECT * FROM (
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
            WHERE ${where}
            GROUP BY b.symbol, 2
          ) b
          ${sel.after ? `WHERE ${keyset('b', 'b.bucket')}` : ''}
          ORDER BY ${order} ${limit}`;
  return { rows, whereAt };
}

const EPOCH = `TIMESTAMPTZ '1970-01-01 00:00:00+00'`;

/**
 * The bucket of a raw bar `b.ts` as SQL (see Bucketing), in the symbol's time zone
 * `s.time_zone` where local; null for stored timeframes. Fixed fragments chosen from the table,
 * never built from input.
 */
function bucketSql(bucketing: Bucketing): string | null {
  switch (bucketing.kind) {
    case 'stored':
      return null;
    case 'epoch':
      return `date_bin(INTERVAL '${bucketing.interval}', b.ts, ${EPOCH})`;
    case 'local':
      return `(date_bin(INTERVAL '${bucketing.interval}', b.ts AT TIME ZONE s.time_zone, TIMESTAMP '2000-01-01') AT TIME ZONE s.time_zone)`;
    case 'calendar':
      return `(date_trunc('${bucketing.unit}', b.ts AT TIME ZONE s.time_zone) AT TIME ZONE s.time_zone)`;
  }
}

/**
 * A bucket as the API's timestamp text, `2024-01-02T14:30:00.000Z`. Bar times arrive in whole
 * milliseconds and sit on minute or day boundaries, so buckets are whole seconds in practice;
 * for those, `timestamp_out`'s ISO text (the read pool pins DateStyle=ISO) with the space
 * replaced is ~3× cheaper than `to_char`, whose every field goes through sprintf: ~0.5 ms of
 * PostgreSQL per 1,000-bar page. Anything else (fractions, years BC) takes `to_char`.
 */
function bucketIsoSql(column: string): string {
  return `CASE WHEN ${column} >= TIMESTAMPTZ '0001-01-01 00:00:00+00'
      AND date_bin('1 second', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00') = ${column}
    THEN replace((${column} AT TIME ZONE 'UTC')::text, ' ', 'T') || '.000Z'
    ELSE to_char(${column} AT TIME ZONE 'UTC', ${TS_FORMAT}) END`;
}

/**
 * One bar as JSON text, built by PostgreSQL (double precision prints shortest-exact; the read
 * pool pins extra_float_digits=1). Plain `||` measured cheaper than format() and concat().
 */
function barJsonSql(includeQuality: boolean): string {
  const quality = includeQuality
    ? ` || ',"qualityScore":' || r.quality_score || ',"flags":' || array_to_json(r.flags)`
    : '';
  return `'{"timestamp":"' || ${bucketIsoSql('r.bucket')}
    || '","open":' || r.open || ',"high":' || r.high || ',"low":' || r.low
    || ',"close":' || r.close || ',"volume":' || r.volume
    || ',"vwap":' || coalesce(r.vwap::text, 'null')
    || ',"trades":' || coalesce(r.trades::text, 'null')${quality} || '}'`;
}

/** Exact epoch microseconds of a bucket, as text (for cursors). Computed once per page. */
const micros = (column: string): string =>
  `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;

/** Pages that can hold up to this many bars come back as one row (see singleJsonSql). */
export const SINGLE_ROW_MAX_BARS = 2000;

/**
 * The most bars a page of this selection can hold: its limit, or fewer when its time range
 * cannot fit that many buckets (a day of 5-minute buckets is 288 bars whatever the limit).
 */
function pageBarsBound(sel: BarsSelection): number {
  const spacing = TIMEFRAME_SPECS[sel.timeframe].minSpacingMs;
  const span = Date.parse(sel.endExclusiveIso) - Date.parse(sel.startIso);
  return Math.min(sel.limit ?? 0, Math.max(0, Math.floor(span / spacing)) + 1);
}

/**
 * Bars per piece of a page: per row of a chunked page, per column of a one-row page (see
 * singleJsonSql). 500 bars are ~75 KB of JSON (~100 KB with quality), below the 128 KiB from
 * which V8 allocates a string as a large object (docs/PERFORMANCE.md).
 */
export const PAGE_CHUNK_BARS = 500;

/** How the single-symbol statement returns a page (see singleJsonSql). */
export type PageShape = 'one-row' | 'chunked';

/** The shape for a selection: chunked when its page can hold more than SINGLE_ROW_MAX_BARS. */
export function pageShapeOf(sel: BarsSelection): PageShape {
  return pageBarsBound(sel) > SINGLE_ROW_MAX_BARS ? 'chunked' : 'one-row';
}

/**
 * How a one-row page is cut into pieces of PAGE_CHUNK_BARS bars (see singleJsonSql), as many as
 * the page can need (`count` cuts, `count + 1` pieces):
 *
 * - stored bars (1m, 1d): by time. The cuts are the times of the bars that start the second,
 *   third, ... piece (0-based positions PAGE_CHUNK_BARS, 2 × PAGE_CHUNK_BARS, ... of the
 *   statement's rows, after `skip` for the second half of a split page), each found by an
 *   index-only `OFFSET` probe on the primary key (~0.1 ms per 500 bars passed), as a LATERAL join
 *   `cut(c1, c2, ...)`; a cut is NULL when the rows end before it.
 * - aggregated timeframes: by number. A count of buckets cannot be probed on the index, so the
 *   aggregated rows are numbered (`row_number()` in page order, `rn`): unmeasurable beside the
 *   aggregation itself (70 ms for 1,000 hourly buckets from 1m bars, with or without).
 */
interface PieceCuts {
  count: number;
  by: 'time' | 'number';
  /** The LATERAL join of the cuts (by time), or ''. */
  join: string;
}

/** A page in one piece (small, or the chunked shape, which cuts its own rows). */
const NO_CUTS: PieceCuts = { count: 0, by: 'number', join: '' };

function pieceCutsSql(
  sel: BarsSelection,
  p: Params,
  whereAt: (alias: string) => string,
  dir: 'ASC' | 'DESC',
): PieceCuts {
  // The limit first: a small page (the common 1-bar read) skips pageBarsBound's date parsing.
  const count =
    (sel.limit ?? 0) <= PAGE_CHUNK_BARS
      ? 0
      : Math.max(0, Math.ceil(pageBarsBound(sel) / PAGE_CHUNK_BARS) - 1);
  if (count === 0) return NO_CUTS;
  if (TIMEFRAME_SPECS[sel.timeframe].bucketing.kind !== 'stored')
    return { count, by: 'number', join: '' };
  const first = sel.skip ?? 0;
  const probes = Array.from(
    { length: count },
    (_, i) =>
      `(SELECT x.ts FROM bars x WHERE ${whereAt('x')} ORDER BY x.ts ${dir}
        OFFSET ${p.add(first + (i + 1) * PAGE_CHUNK_BARS, 'int')} LIMIT 1) AS c${i + 1}`,
  );
  // OFFSET 0 keeps the subquery whole: flattened, each reference to a cut became its own copy
  // of the probe (three probes for one cut, +0.2 ms per page, seen in EXPLAIN GENERIC_PLAN).
  return {
    count,
    by: 'time',
    join: `CROSS JOIN LATERAL (SELECT ${probes.join(',\n      ')} OFFSET 0) cut`,
  };
}

/** The rows subquery as the page's aggregates read it: numbered when cut by number. */
function piecedRowsSql(cuts: PieceCuts, rows: string, dir: 'ASC' | 'DESC'): string {
  if (cuts.by === 'time' || cuts.count === 0) return `(${rows}) r`;
  return `(SELECT r0.*, row_number() OVER (ORDER BY r0.bucket ${dir}) AS rn FROM (${rows}) r0) r`;
}

/**
 * The page's bars as `count + 1` pieces: `body`, `body_2`, ... each a `string_agg` of the bars
 * between two cuts (NULL when none). string_agg skips NULLs, so a CASE keeps each bar out of
 * every piece but its own; all aggregates share the one ORDER BY, which the rows already have
 * (FILTER clauses instead measured ~0.3 ms slower per 1,000 bars: PostgreSQL then sorted again).
 */
function pieceAggregates(cuts: PieceCuts, bar: string, dir: 'ASC' | 'DESC', order: string): string {
  const { count } = cuts;
  if (count === 0) return `string_agg(${bar}, ',' ${order}) AS body`;
  const [before, from] = dir === 'ASC' ? ['<', '>='] : ['>', '<='];
  const byTime = (i: number): (string | null)[] => [
    i > 0 ? `r.bucket ${from} cut.c${i}` : null,
    i < count ? `(cut.c${i + 1} IS NULL OR r.bucket ${before} cut.c${i + 1})` : null,
  ];
  // Row numbers start at 1: piece i holds rn in (i × PAGE_CHUNK_BARS, (i + 1) × PAGE_CHUNK_BARS].
  const byNumber = (i: number): (string | null)[] => [
    i > 0 ? `r.rn > ${i * PAGE_CHUNK_BARS}` : null,
    i < count ? `r.rn <= ${(i + 1) * PAGE_CHUNK_BARS}` : null,
  ];
  return Array.from({ length: count + 1 }, (_, i) => {
    const conditions = (cuts.by === 'time' ? byTime(i) : byNumber(i)).filter(
      (condition) => condition !== null,
    );
    const value = conditions.length ? `CASE WHEN ${conditions.join(' AND ')} THEN ${bar} END` : bar;
    return `string_agg(${value}, ',' ${order}) AS ${pieceColumn(i)}`;
  }).join(',\n             ');
}

const pieceColumn = (i: number): string => (i === 0 ? 'body' : `body_${i + 1}`);

const pieceColumns = (count: number, alias: string): string =>
  count === 0
    ? `${alias}.body`
    : Array.from({ length: count + 1 }, (_, i) => `${alias}.${pieceColumn(i)}`).join(', ');

/**
 * Single symbol, JSON, in one of two shapes:
 *
 * - `one-row`: a statement returning `{ n, more, last_micros, seam_micros, body, extra }`,
 *   or no row when the symbol is unknown (so 404 and "known but empty" are told
 *   apart in the same round trip). `body` is the bars as JSON objects separated by commas (null
 *   when the page is empty), `string_agg`'d over the rows subquery, which returns at most
 *   limit + 1 bars in page order (the one past the page only says whether another follows): when
 *   `more` is true the body ends with that extra bar and `extra` is true, and the caller drops
 *   the body's last object. Formatting one bar too many costs ~5 µs; leaving it out inside
 *   PostgreSQL (numbering the rows with a window function, or an array sliced to the page) cost
 *   1–1.5 ms per 1,000-bar page (measured, docs/PERFORMANCE.md). A page that can hold more
 *   than PAGE_CHUNK_BARS comes in pieces, `body` then `body_2`, ... (pieceCutsSql): each
 *   piece a separate string of at most PAGE_CHUNK_BARS bars (+ the extra one in the last), so no
 *   string the `pg` client decodes is large enough for V8's large-object space, where under load
 *   a fraction of them outlived their request and grew the old generation by tens of MB between
 *   full collections (docs/PERFORMANCE.md). The pieces join with commas; the extra bar is in the
 *   last piece that is not NULL.
 * - `chunked`: a `COPY ... TO STDOUT (FORMAT binary)` of rows `(meta, body)`, none when the
 *   symbol is unknown. Each body holds the next PAGE_CHUNK_BARS bars of the page (exactly the
 *   page), the ones after the first starting with their comma, so the bodies concatenated are
 *   the page's text. The first row's meta is `{ n, more, lastMicros, digest }` as JSON, the
 *   digest being the MD5 of the page's text: the caller streams the bodies as they arrive
 *   (CopyPageReader, StreamedBarsPage) and still sends a strong validator first. Binary COPY
 *   sends text as raw bytes, so the page never becomes a JavaScript string; values are bound as
 *   settings (COPY takes no bind parameters).
 *
 * The aggregates' ORDER BY matches the subquery's order, which PostgreSQL (16+) sees and does not
 * sort again. Only the page's last bucket needs its microseconds (numeric arithmetic): the raw
 * buckets are aggregated and one converted, not every row (~1.5 ms less per 1,000-bar page).
 */
export function singleJsonSql(sel: BarsSelection, shape: PageShape): BuiltSql {
  // A chunked page is read with COPY, which takes no bind parameters (see the file comment).
  const p = new Params(shape === 'chunked' ? 'setting' : 'bind');
  const symbol = p.add(sel.symbols[0], 'text');
  const limit = p.add(sel.limit ?? 0, 'int');
  const dir = sel.sort === 'desc' ? 'DESC' : 'ASC';
  // Second half of a split page: the (skip)-th and (skip + 1)-th bars of the selection, found
  // on the primary-key index alone; the page starts at the latter.
  const skip = sel.skip !== undefined ? p.add(sel.skip - 1, 'int') : null;
  const { rows, whereAt } = rowsSql(
    sel,
    p,
    (a) => `${a}.symbol = s.symbol`,
    false,
    (sel.limit ?? 0) + 1,
    {
      extraWhere: skip ? `b.ts ${dir === 'ASC' ? '>=' : '<='} seam.ts[2]` : undefined,
    },
  );
  const seam = skip
    ? `CROSS JOIN LATERAL (
      SELECT array_agg(x.ts ORDER BY x.ts ${dir}) AS ts FROM (
        SELECT x.ts FROM bars x WHERE ${whereAt('x')} ORDER BY x.ts ${dir} OFFSET ${skip} LIMIT 2
      ) x
    ) seam`
    : '';
  const order = `ORDER BY r.bucket ${dir}`;
  // Binds the cuts' offsets, so only for the shape that uses them.
  const cuts = shape === 'one-row' ? pieceCutsSql(sel, p, whereAt, dir) : NO_CUTS;
  const page = (bars: string): string => `SELECT least(count(*), ${limit})::int AS n,
             count(*) > ${limit} AS more,
             (array_agg(r.bucket ${order}))[least(count(*), ${limit})] AS last,
             ${bars}
      FROM ${piecedRowsSql(cuts, rows, dir)}`;
  const sql =
    shape === 'one-row'
      ? `SELECT pg.n, pg.more, ${micros('pg.last')} AS last_micros,
           ${skip ? micros('seam.ts[1]') : 'NULL'} AS seam_micros, ${pieceColumns(cuts.count, 'pg')},
           pg.more AS extra
    FROM symbols s
    ${seam}
    ${cuts.join}
    CROSS JOIN LATERAL (${page(pieceAggregates(cuts, barJsonSql(sel.includeQuality), dir, order))}) pg
    WHERE s.symbol = ${symbol}`
      : `COPY (
    SELECT CASE WHEN c.i IS NULL OR c.i = 1 THEN json_build_object(
             'n', pg.n, 'more', pg.more, 'lastMicros', ${micros('pg.last')}, 'digest', d.digest
           )::text END AS meta,
           c.body
    FROM symbols s
    CROSS JOIN LATERAL (${page(`(array_agg(${barJsonSql(sel.includeQuality)} ${order}))[1:${limit}] AS bars`)}) pg
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

/**
 * Several symbols, JSON, one statement: pages over (symbol, bucket); returns
 * `{ n, more, last_micros, last_symbol, body }` where body is `"SYM":[...],...`.
 */
export function multiJsonSql(sel: BarsSelection): BuiltSql {
  const p = new Params('bind');
  const symbols = p.add(`{${sel.symbols.join(',')}}`, 'text[]');
  const limit = p.add(sel.limit ?? 0, 'int');
  const { rows } = rowsSql(
    sel,
    p,
    (a) => `${a}.symbol = ANY(${symbols})`,
    true,
    (sel.limit ?? 0) + 1,
  );
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
  const { rows } = rowsSql(sel, p, (a) => `${a}.symbol = ${symbol}`, false, sel.limit, {
    join: true,
  });
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

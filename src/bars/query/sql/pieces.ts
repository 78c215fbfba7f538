import { TIMEFRAME_SPECS } from '../../../market/timeframes';
import type { BarsSelection } from '../selection';
import { Params } from './params';

/**
 * Bars per piece of a page: per column of a one-row page, per row of a streamed one. 500 bars
 * are ~75 KB of JSON (~100 KB with quality), below the 128 KiB from which V8 allocates a string
 * as a large object, which its first scavenge promotes to the old generation: under load enough
 * whole-page strings were caught alive to grow the old generation by tens of MB between full
 * collections (docs/PERFORMANCE.md).
 */
export const PAGE_CHUNK_BARS = 500;

/**
 * The most bars a page of this selection can hold: its limit, or fewer when its time range
 * cannot fit that many buckets (a day of 5-minute buckets is 288 bars whatever the limit).
 */
export function pageBarsBound(sel: BarsSelection): number {
  const spacing = TIMEFRAME_SPECS[sel.timeframe].minSpacingMs;
  const span = Date.parse(sel.endExclusiveIso) - Date.parse(sel.startIso);
  return Math.min(sel.limit ?? 0, Math.max(0, Math.floor(span / spacing)) + 1);
}

/**
 * How a one-row page is cut into pieces of PAGE_CHUNK_BARS bars, as many as the page can need
 * (`count` cuts, `count + 1` pieces):
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
export interface PieceCuts {
  count: number;
  by: 'time' | 'number';
  /** The LATERAL join of the cuts (by time), or ''. */
  join: string;
}

/** A page in one piece. */
export const NO_CUTS: PieceCuts = { count: 0, by: 'number', join: '' };

export function pieceCutsSql(
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
export function piecedRowsSql(cuts: PieceCuts, rows: string, dir: 'ASC' | 'DESC'): string {
  if (cuts.by === 'time' || cuts.count === 0) return `(${rows}) r`;
  return `(SELECT r0.*, row_number() OVER (ORDER BY r0.bucket ${dir}) AS rn FROM (${rows}) r0) r`;
}

/**
 * The page's bars as `count + 1` pieces: `body`, `body_2`, ... each a `string_agg` of the bars
 * between two cuts (NULL when none). string_agg skips NULLs, so a CASE keeps each bar out of
 * every piece but its own; all aggregates share the one ORDER BY, which the rows already have
 * (FILTER clauses instead measured ~0.3 ms slower per 1,000 bars: PostgreSQL then sorted again).
 */
export function pieceAggregates(
  cuts: PieceCuts,
  bar: string,
  dir: 'ASC' | 'DESC',
  order: string,
): string {
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

/** The name of piece i's column: `body`, `body_2`, ... */
export const pieceColumn = (i: number): string => (i === 0 ? 'body' : `body_${i + 1}`);

export const pieceColumns = (count: number, alias: string): string =>
  count === 0
    ? `${alias}.body`
    : Array.from({ length: count + 1 }, (_, i) => `${alias}.${pieceColumn(i)}`).join(', ');

import { TIMEFRAME_SPECS } from '../../market/timeframes';
import type { BarsSelection } from './selection';
import { multiColumnsSql, singleColumnsSql } from './sql/columns';
import { multiPageSql, multiPageStreamSql } from './sql/multi-page';
import { singlePageStreamSql } from './sql/page-stream';
import type { BuiltSql } from './sql/params';
import { PAGE_CHUNK_BARS, pageBarsBound } from './sql/pieces';
import { PageSqlOptions, singlePageSql } from './sql/single-page';

/**
 * How a page of bars is read. The one place that chooses: the repository executes a plan and
 * the service serves whatever page comes back, without knowing which it was.
 *
 * - `one-row`: one statement returns the page as one row, its text in pieces of at most
 *   PAGE_CHUNK_BARS bars (`joiner` between them).
 * - `halves`: a large page of stored bars as two statements on two connections at once, when the
 *   pool has two to spare (PostgreSQL formats one statement on one core); `fallback` when the
 *   halves disagree at their seam (a write landed between them).
 * - `stream`: a binary COPY whose text is passed to the client as it arrives, for pages that can
 *   hold more than SINGLE_ROW_MAX_BARS: such a page never sits whole in this process.
 *
 * A bounded aggregation (see RowsOptions.boundedRaw) carries the unbounded plan as `fallback`,
 * read when the bound cut the page short.
 */
export type ReadPlan =
  | { kind: 'one-row'; statement: BuiltSql; joiner: string; fallback?: ReadPlan }
  | { kind: 'halves'; first: BuiltSql; second: BuiltSql; half: number; fallback: ReadPlan }
  | { kind: 'stream'; statement: BuiltSql; fallback?: ReadPlan };

export interface PlanContext {
  /** Read connections free right now (ReadPool.spare). */
  spareConnections: number;
  /** Mechanisms switched off (READ_PATH_DISABLE): halves, pieces, stream. */
  disabled: ReadonlySet<string>;
}

/** Pages that can hold up to this many bars are read as one row; larger ones are streamed. */
export const SINGLE_ROW_MAX_BARS = 2000;

/** Pages of at least this many stored bars are read in two halves when connections are spare. */
export const SPLIT_MIN_BARS = 500;

/** How a single-symbol page is read. */
export function planPageRead(sel: BarsSelection, context: PlanContext): ReadPlan {
  const bounded = boundedRawBars(sel);
  const plan = planWith(sel, context, bounded === undefined ? {} : { boundedRaw: bounded });
  return bounded === undefined ? plan : { ...plan, fallback: planWith(sel, context, {}) };
}

function planWith(sel: BarsSelection, context: PlanContext, options: PageSqlOptions): ReadPlan {
  const { disabled } = context;
  if (!disabled.has('stream') && pageBarsBound(sel) > SINGLE_ROW_MAX_BARS) {
    return { kind: 'stream', statement: singlePageStreamSql(sel, options) };
  }
  const pieces = !disabled.has('pieces');
  const whole: ReadPlan = {
    kind: 'one-row',
    statement: singlePageSql(sel, { ...options, pieces }),
    joiner: ',',
  };
  const limit = sel.limit ?? 0;
  if (
    disabled.has('halves') ||
    limit < SPLIT_MIN_BARS ||
    TIMEFRAME_SPECS[sel.timeframe].bucketing.kind !== 'stored' ||
    context.spareConnections < 2
  ) {
    return whole;
  }
  const half = Math.floor(limit / 2);
  return {
    kind: 'halves',
    first: singlePageSql({ ...sel, limit: half }, { pieces }),
    second: singlePageSql({ ...sel, limit: limit - half, skip: half }, { pieces }),
    half,
    fallback: whole,
  };
}

/** How a multi-symbol page is read: one row in pieces, or streamed when large. */
export function planMultiRead(sel: BarsSelection, context: PlanContext): ReadPlan {
  const bound = Math.min(sel.limit ?? 0, pageBarsBound(sel) * sel.symbols.length);
  if (!context.disabled.has('stream') && bound > SINGLE_ROW_MAX_BARS) {
    return { kind: 'stream', statement: multiPageStreamSql(sel) };
  }
  const pieces = context.disabled.has('pieces')
    ? 1
    : Math.max(1, Math.ceil(bound / PAGE_CHUNK_BARS));
  return { kind: 'one-row', statement: multiPageSql(sel, pieces), joiner: '' };
}

/**
 * How typed columns (the Arrow format) are read: one binary COPY of typed rows, whatever the
 * size, because the rows are decoded into columns as they arrive (read/bar-columns.ts) and
 * nothing of them is text. A single-symbol page without `end` aggregates only the raw bars it
 * needs, like a JSON page, with the unbounded statement as `fallback`.
 */
export interface ColumnsPlan {
  statement: BuiltSql;
  fallback?: ColumnsPlan;
}

export function planColumnsRead(sel: BarsSelection, multi: boolean): ColumnsPlan {
  if (multi) return { statement: multiColumnsSql(sel) };
  const bounded = boundedRawBars(sel);
  if (bounded === undefined) return { statement: singleColumnsSql(sel) };
  return {
    statement: singleColumnsSql(sel, { boundedRaw: bounded }),
    fallback: { statement: singleColumnsSql(sel) },
  };
}

/**
 * The raw bars an aggregated page needs at most (see RowsOptions.boundedRaw): the page plus the
 * probe bucket, a partial bucket at each end, each bucket at its largest. Undefined when the
 * range itself bounds the work (it cannot hold more buckets than that) or nothing is aggregated.
 */
function boundedRawBars(sel: BarsSelection): number | undefined {
  const spec = TIMEFRAME_SPECS[sel.timeframe];
  if (spec.bucketing.kind === 'stored' || sel.limit === undefined) return undefined;
  const span = Date.parse(sel.endExclusiveIso) - Date.parse(sel.startIso);
  const rangeBuckets = Math.floor(span / spec.minSpacingMs) + 1;
  if (rangeBuckets <= sel.limit + 3) return undefined;
  return (sel.limit + 3) * spec.maxBaseBarsPerBucket;
}

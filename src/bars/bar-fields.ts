/**
 * The fields of a bar as the API serves it, in order: the one declaration from which the JSON
 * text PostgreSQL builds, the CSV columns, the OpenAPI bar schema and the page's bar separator
 * are generated. A field added here appears in all of them (and in the SQL snapshots).
 *
 * - `kind` says what the value is, and so how it is written: `time` an ISO instant in quotes,
 *   `price` / `volume` / `count` / `score` numbers (prices and volumes are what an adjustment
 *   scales), `labels` a list of strings.
 * - `column` is the field's column in the rows a page is read from (raw bars, or buckets);
 *   `aggregate` how a bucket's value is computed from its raw bars (`col(name)` is a raw bar's
 *   field, so an adjusted read can substitute the adjusted value).
 * - `group`: `bar` fields are always served, `quality` fields with `include=quality` only.
 */
export type BarFieldKind = 'time' | 'price' | 'volume' | 'count' | 'score' | 'labels';

export interface BarField {
  /** JSON key and CSV column. */
  name: string;
  kind: BarFieldKind;
  nullable: boolean;
  group: 'bar' | 'quality';
  /** Column of the rows subquery (and of `bars`, where the raw bar has it under that name). */
  column: string;
  /** A bucket's value from its raw bars; `col` gives a raw bar's field, `ts` its time. */
  aggregate: (col: (column: string) => string, ts: string) => string;
  /** For the OpenAPI schema. */
  example: unknown;
  description?: string;
}

/** First by time, as array_agg is cheaper than a window function here. */
const first = (value: string, ts: string): string => `(array_agg(${value} ORDER BY ${ts}))[1]`;
const last = (value: string, ts: string): string => `(array_agg(${value} ORDER BY ${ts} DESC))[1]`;

export const BAR_FIELDS: readonly BarField[] = [
  {
    name: 'timestamp',
    kind: 'time',
    nullable: false,
    group: 'bar',
    column: 'bucket',
    // The bucket itself is the GROUP BY key (see rows.ts); never aggregated.
    aggregate: () => {
      throw new Error('the bucket is the grouping key, not an aggregate');
    },
    example: '2024-01-02T05:00:00.000Z',
    description: 'Bucket start, UTC.',
  },
  {
    name: 'open',
    kind: 'price',
    nullable: false,
    group: 'bar',
    column: 'open',
    aggregate: (col, ts) => first(col('open'), ts),
    example: 187.15,
  },
  {
    name: 'high',
    kind: 'price',
    nullable: false,
    group: 'bar',
    column: 'high',
    aggregate: (col) => `max(${col('high')})`,
    example: 188.44,
  },
  {
    name: 'low',
    kind: 'price',
    nullable: false,
    group: 'bar',
    column: 'low',
    aggregate: (col) => `min(${col('low')})`,
    example: 183.885,
  },
  {
    name: 'close',
    kind: 'price',
    nullable: false,
    group: 'bar',
    column: 'close',
    aggregate: (col, ts) => last(col('close'), ts),
    example: 185.64,
  },
  {
    name: 'volume',
    kind: 'volume',
    nullable: false,
    group: 'bar',
    column: 'volume',
    aggregate: (col) => `sum(${col('volume')})`,
    example: 82488674,
  },
  {
    name: 'vwap',
    kind: 'price',
    nullable: true,
    group: 'bar',
    column: 'vwap',
    // Only when every bar in the bucket has one (a partial sum would understate the bucket).
    aggregate: (col) => `CASE WHEN count(${col('vwap')}) = count(*)
                THEN sum(${col('vwap')} * ${col('volume')}) / nullif(sum(${col('volume')}), 0) END`,
    example: 185.9465,
  },
  {
    name: 'trades',
    kind: 'count',
    nullable: true,
    group: 'bar',
    column: 'trades',
    aggregate: (col) =>
      `CASE WHEN count(${col('trades')}) = count(*) THEN sum(${col('trades')}) END`,
    example: 1009074,
  },
  {
    name: 'qualityScore',
    kind: 'score',
    nullable: false,
    group: 'quality',
    column: 'quality_score',
    aggregate: (col) => `min(${col('quality_score')})`,
    example: 1,
    description: 'With include=quality (bucket: the minimum).',
  },
  {
    name: 'flags',
    kind: 'labels',
    nullable: false,
    group: 'quality',
    column: 'flags',
    aggregate: (col) => `ARRAY(SELECT DISTINCT f FROM unnest(string_to_array(
                string_agg(nullif(array_to_string(${col('flags')}, ','), ''), ','), ',')) f
                ORDER BY 1)`,
    example: [],
    description: 'With include=quality.',
  },
];

/** The fields a page serves: the bar's, and the quality fields when asked for. */
export function servedFields(includeQuality: boolean): readonly BarField[] {
  return includeQuality ? BAR_FIELDS : BAR_FIELDS.filter((field) => field.group === 'bar');
}

/**
 * What starts every bar object but the first in a page's text: a comma and the first key.
 * Inside JSON strings a `"` is always escaped, so this occurs nowhere else.
 */
export const BAR_SEPARATOR = `,{"${BAR_FIELDS[0].name}":`;

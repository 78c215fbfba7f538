import { BarField, servedFields } from '../../bar-fields';

const TS_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

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

/** A field's JSON value as SQL text pieces: string literals (quoted) and expressions. */
function jsonValue(field: BarField, ref: string): { literal?: string; sql?: string }[] {
  switch (field.kind) {
    case 'time':
      return [{ literal: '"' }, { sql: bucketIsoSql(ref) }, { literal: '"' }];
    case 'labels':
      return [{ sql: `array_to_json(${ref})` }];
    default:
      return [{ sql: field.nullable ? `coalesce(${ref}::text, 'null')` : ref }];
  }
}

/**
 * One bar as JSON text, built by PostgreSQL from the field table (double precision prints
 * shortest-exact; the read pool pins extra_float_digits=1), reading the rows subquery `r`.
 * Adjacent literals are merged: plain `||` of few operands measured cheaper than format() and
 * concat().
 */
export function barJsonSql(includeQuality: boolean): string {
  const parts: { literal?: string; sql?: string }[] = [];
  servedFields(includeQuality).forEach((field, i) => {
    parts.push({ literal: `${i === 0 ? '{' : ','}"${field.name}":` });
    parts.push(...jsonValue(field, `r.${field.column}`));
  });
  parts.push({ literal: '}' });
  const merged: string[] = [];
  let literal = '';
  for (const part of parts) {
    if (part.literal !== undefined) {
      literal += part.literal;
      continue;
    }
    if (literal) merged.push(`'${literal}'`);
    literal = '';
    merged.push(part.sql!);
  }
  if (literal) merged.push(`'${literal}'`);
  return merged.join('\n    || ');
}

/** The CSV columns of a page, named by the field table (COPY's header line). */
export function csvColumnsSql(includeQuality: boolean): string {
  return servedFields(includeQuality)
    .map((field) => {
      const ref = `r.${field.column}`;
      switch (field.kind) {
        case 'time':
          return `to_char(${ref} AT TIME ZONE 'UTC', ${TS_FORMAT}) AS "${field.name}"`;
        case 'labels':
          return `array_to_string(${ref}, '|') AS "${field.name}"`;
        default:
          return `${ref} AS "${field.name}"`;
      }
    })
    .join(',\n             ');
}

/** Exact epoch microseconds of a bucket, as text (for cursors). Computed once per page. */
export const micros = (column: string): string =>
  `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;

/**
 * Statement values. Only fixed fragments chosen by validated enums are spliced into SQL text;
 * every value travels as a bind parameter (`$n`). COPY cannot take bind parameters, so for COPY
 * statements the same values are bound with `set_config('mdw_query.pN', $N, true)` in the same
 * read-only transaction and read back through `current_setting`: still never spliced into SQL.
 */
export type ParamStyle = 'bind' | 'setting';

export interface BuiltSql {
  sql: string;
  params: string[];
}

export class Params {
  readonly values: string[] = [];
  constructor(private readonly style: ParamStyle) {}

  add(value: string | number | boolean, type: string): string {
    this.values.push(String(value));
    const n = this.values.length;
    return this.style === 'bind' ? `$${n}::${type}` : `current_setting('mdw_query.p${n}')::${type}`;
  }
}

export const direction = (sort: 'asc' | 'desc'): 'ASC' | 'DESC' =>
  sort === 'desc' ? 'DESC' : 'ASC';

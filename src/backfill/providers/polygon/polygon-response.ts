import { Bar } from '../../../market/bar';
import { ProviderDividend, ProviderSplit } from '../market-data-provider';

/**
 * Shape checks for Polygon response bodies. A page whose structure is wrong (an element that is
 * not an object, a missing field, times out of order) is rejected whole, so a garbled body is
 * retried instead of half-stored. A well-formed bar whose values are impossible (negative volume,
 * a price that overflowed to Infinity) is dropped on its own and reported in `rejected`: asking
 * again would bring the same bar back, and its neighbours are good.
 */
export interface PolygonPage<T> {
  items: T[];
  nextUrl: string | null;
  /** Why each dropped element was dropped (`results[i] …`). */
  rejected: string[];
}

export type ShapeCheck<T> = (body: unknown) => PolygonPage<T> | string;

const OK_STATUSES = new Set(['OK', 'DELAYED']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON number, finite or not (1e999 parses as Infinity). */
function number(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value);
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function envelope(body: unknown): { results: unknown[]; nextUrl: string | null } | string {
  if (!isObject(body)) return 'body is not a JSON object';
  if (typeof body.status !== 'string' || !OK_STATUSES.has(body.status)) {
    return `status is ${JSON.stringify(body.status)}, expected "OK" or "DELAYED"`;
  }
  if (body.results !== undefined && !Array.isArray(body.results)) return 'results is not an array';
  if (body.next_url !== undefined && body.next_url !== null && typeof body.next_url !== 'string') {
    return 'next_url is not a string';
  }
  return {
    results: (body.results as unknown[] | undefined) ?? [],
    nextUrl: (body.next_url as string | undefined) || null,
  };
}

/** `/v2/aggs/...`: `{ status, results?: [{ t, o, h, l, c, v, vw?, n? }], next_url? }`. */
export const checkAggregates: ShapeCheck<Bar> = (body) => {
  const page = envelope(body);
  if (typeof page === 'string') return page;
  if (isObject(body) && body.resultsCount !== undefined && !finite(body.resultsCount)) {
    return 'resultsCount is not a number';
  }
  const bars: Bar[] = [];
  const rejected: string[] = [];
  let previous = -Infinity;
  for (let i = 0; i < page.results.length; i += 1) {
    const r = page.results[i];
    if (!isObject(r)) return `results[${i}] is not an object`;
    const { t, o, h, l, c, v, vw, n } = r;
    if (!finite(t) || !Number.isInteger(t)) return `results[${i}].t is not an epoch-ms integer`;
    if (!number(o) || !number(h) || !number(l) || !number(c) || !number(v)) {
      return `results[${i}] lacks a numeric o/h/l/c/v`;
    }
    if (vw !== undefined && vw !== null && !number(vw)) return `results[${i}].vw is not a number`;
    if (n !== undefined && n !== null && !finite(n)) return `results[${i}].n is not a number`;
    if (t <= previous) return `results[${i}].t is not ascending`;
    previous = t;
    const impossible = impossibleValue(o, h, l, c, v, vw);
    if (impossible) {
      rejected.push(`results[${i}] (t=${t}) ${impossible}`);
      continue;
    }
    bars.push({
      ts: t,
      open: o,
      high: h,
      low: l,
      close: c,
      volume: v,
      vwap: finite(vw) ? vw : null,
      trades: finite(n) ? n : null,
    });
  }
  return { items: bars, nextUrl: page.nextUrl, rejected };
};

/** Why a bar's values cannot be real (and the bar is dropped), or null. */
function impossibleValue(
  o: number,
  h: number,
  l: number,
  c: number,
  v: number,
  vw: unknown,
): string | null {
  if (!Number.isFinite(o) || !Number.isFinite(h) || !Number.isFinite(l) || !Number.isFinite(c)) {
    return 'has a non-finite price';
  }
  if (typeof vw === 'number' && !Number.isFinite(vw)) return 'has a non-finite vwap';
  if (!Number.isFinite(v)) return 'has a non-finite volume';
  if (v < 0) return `has a negative volume (${v})`;
  return null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function optionalDate(value: unknown): string | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' && DATE.test(value) ? value : undefined;
}

/**
 * `/stocks/v1/splits` (Massive): `{ status, request_id, results: [{ ticker, execution_date,
 * split_from, split_to, adjustment_type, historical_adjustment_factor, id }], next_url? }`.
 * `execution_date` is documented as optional: a split without one cannot be applied to any bar,
 * so it is dropped and reported, like a split with a non-positive ratio.
 */
export const checkSplits: ShapeCheck<ProviderSplit> = (body) => {
  const page = envelope(body);
  if (typeof page === 'string') return page;
  const splits: ProviderSplit[] = [];
  const rejected: string[] = [];
  for (let i = 0; i < page.results.length; i += 1) {
    const r = page.results[i];
    if (!isObject(r)) return `results[${i}] is not an object`;
    if (!number(r.split_from) || !number(r.split_to)) {
      return `results[${i}] lacks a numeric split_from/split_to`;
    }
    const date = optionalDate(r.execution_date);
    if (date === undefined) return `results[${i}].execution_date is not a date`;
    if (r.adjustment_type !== undefined && typeof r.adjustment_type !== 'string') {
      return `results[${i}].adjustment_type is not a string`;
    }
    if (date === null) {
      rejected.push(`results[${i}] (split ${r.split_from}:${r.split_to}) has no execution_date`);
      continue;
    }
    if (!(r.split_from > 0 && r.split_to > 0 && Number.isFinite(r.split_from * r.split_to))) {
      rejected.push(`results[${i}] (split of ${date}) has a non-positive or infinite ratio`);
      continue;
    }
    splits.push({
      executionDate: date,
      splitFrom: r.split_from,
      splitTo: r.split_to,
      adjustmentType:
        r.adjustment_type || (r.split_from > r.split_to ? 'reverse_split' : 'forward_split'),
    });
  }
  return { items: splits, nextUrl: page.nextUrl, rejected };
};

/**
 * `/stocks/v1/dividends` (Massive): `{ status, request_id, results: [{ ticker,
 * ex_dividend_date, cash_amount, currency?, declaration_date?, record_date?, pay_date?,
 * frequency?, distribution_type, split_adjusted_cash_amount?, historical_adjustment_factor?,
 * id? }], next_url? }`. Cash amounts are as declared, not split-adjusted.
 */
export const checkDividends: ShapeCheck<ProviderDividend> = (body) => {
  const page = envelope(body);
  if (typeof page === 'string') return page;
  const dividends: ProviderDividend[] = [];
  const rejected: string[] = [];
  for (let i = 0; i < page.results.length; i += 1) {
    const r = page.results[i];
    if (!isObject(r)) return `results[${i}] is not an object`;
    if (typeof r.ex_dividend_date !== 'string' || !DATE.test(r.ex_dividend_date)) {
      return `results[${i}].ex_dividend_date is not a date`;
    }
    if (!number(r.cash_amount)) return `results[${i}].cash_amount is not a number`;
    const payDate = optionalDate(r.pay_date);
    const recordDate = optionalDate(r.record_date);
    const declarationDate = optionalDate(r.declaration_date);
    if (payDate === undefined || recordDate === undefined || declarationDate === undefined) {
      return `results[${i}] has a malformed pay/record/declaration date`;
    }
    if (r.frequency !== undefined && r.frequency !== null && !finite(r.frequency)) {
      return `results[${i}].frequency is not a number`;
    }
    for (const field of ['currency', 'distribution_type'] as const) {
      if (r[field] !== undefined && r[field] !== null && typeof r[field] !== 'string') {
        return `results[${i}].${field} is not a string`;
      }
    }
    if (!(r.cash_amount >= 0 && Number.isFinite(r.cash_amount))) {
      rejected.push(`results[${i}] (ex-date ${r.ex_dividend_date}) has an impossible cash_amount`);
      continue;
    }
    dividends.push({
      exDividendDate: r.ex_dividend_date,
      payDate,
      recordDate,
      declarationDate,
      cashAmount: r.cash_amount,
      // The stocks endpoints cover US listings; a dividend without a currency is in dollars.
      currency: typeof r.currency === 'string' && r.currency ? r.currency.toUpperCase() : 'USD',
      distributionType:
        typeof r.distribution_type === 'string' && r.distribution_type
          ? r.distribution_type
          : 'unknown',
      frequency: finite(r.frequency) ? r.frequency : null,
    });
  }
  return { items: dividends, nextUrl: page.nextUrl, rejected };
};

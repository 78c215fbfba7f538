import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import { hashString } from '../../src/backfill/providers/demo/seeded-random';
import { SyntheticMarket } from '../../src/backfill/providers/demo/synthetic-market';
import { AssetClass } from '../../src/market/asset-classes';
import { Bar } from '../../src/market/bar';
import { BaseTimeframe } from '../../src/market/timeframes';
import { addDays } from '../../src/quality/calendars/calendar-dates';
import { calendarFor } from '../../src/quality/calendars/calendar-for';
import { answerWithFault, FaultBook } from './fake-polygon.faults';
import {
  FakeDividend,
  FakePolygonOptions,
  FakeSplit,
  FaultRule,
  RecordedRequest,
} from './fake-polygon.types';

export * from './fake-polygon.types';

const AGGS_PATH = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/(\d+)\/(minute|day)\/([^/]+)\/([^/]+)$/;
const MINUTE_MS = 60_000;

export interface FakePolygon {
  /** http://127.0.0.1:<port>: use as POLYGON_BASE_URL. */
  url: string;
  /** The only key the server accepts. */
  key: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Adds a fault rule; the first matching rule with uses left applies. */
  setFault(rule: FaultRule): void;
  clearFaults(): void;
  /**
   * Replaces a ticker's splits or dividends as the reference endpoints report them from now on
   * (a late announcement or a correction); bars already generated keep the splits given at start.
   */
  setCorporateActions(
    ticker: string,
    actions: { splits?: FakeSplit[]; dividends?: FakeDividend[] },
  ): void;
  /** Makes a session's bars (minute and daily) missing upstream from now on. */
  omitSession(ticker: string, date: string): void;
  /** The bars a full, fault-free fetch of the window returns (dates as in the URL). */
  expectedBars(ticker: string, timeframe: BaseTimeframe, from: string, to: string): Bar[];
  /**
   * Serves the bar of `ticker` at `ts` (either timeframe) with an impossible or inconsistent
   * value from now on: a negative volume, a price too large for a double (`1e999` on the wire,
   * Infinity once parsed), or a high below the low.
   */
  corruptBar(ticker: string, ts: number, defect: BarDefect): void;
  /** Requests to the aggregates endpoint (optionally for one ticker). */
  aggregateRequests(ticker?: string): RecordedRequest[];
  close(): Promise<void>;
}

export type BarDefect = 'negative-volume' | 'infinite-price' | 'high-below-low';

interface Cursor {
  after: number;
  limit: number;
}

/**
 * A real HTTP server on 127.0.0.1 that speaks Polygon's (Massive's) wire format for aggregates
 * and for the current corporate-actions endpoints, `/stocks/v1/splits` and `/stocks/v1/dividends`
 * (the deprecated `/v3/reference/splits` and `/v3/reference/dividends` are not served, so a
 * client that falls back to them fails here): epoch-ms timestamps, daily stock bars at midnight
 * New York and crypto at midnight UTC, minute bars only inside sessions, pagination through an
 * absolute `next_url` carrying a cursor but not the key, the key checked on every request, and
 * injectable faults. Bars are the deterministic SyntheticMarket, generated lazily page by page;
 * the configured splits are in them (raw prices drop on the execution date).
 */
export async function startFakePolygon(options: FakePolygonOptions = {}): Promise<FakePolygon> {
  const key = options.key ?? `fake_${randomBytes(12).toString('hex')}`;
  const splits = new Map(Object.entries(options.splits ?? {}));
  const dividends = new Map(Object.entries(options.dividends ?? {}));
  const ratios = new Map<string, number>();
  for (const [ticker, list] of splits) {
    for (const split of list) {
      if (split.execution_date === null) continue;
      const key = `${ticker}|${split.execution_date}`;
      ratios.set(key, (ratios.get(key) ?? 1) * (split.split_to / split.split_from));
    }
  }
  // The bars follow the splits known at start (published bars do not change afterwards).
  const market = new SyntheticMarket({
    splits: (ticker) => [...ratios.keys()].some((key) => key.startsWith(`${ticker}|`)),
    ratioOn: (ticker, date) => ratios.get(`${ticker}|${date}`) ?? 1,
  });
  const requests: RecordedRequest[] = [];
  const faults = new FaultBook();
  const missing = new Map<string, Set<string>>();
  for (const [ticker, dates] of Object.entries(options.missingSessions ?? {})) {
    missing.set(ticker, new Set(dates));
  }
  const now = options.now ?? Date.now;
  const pageCap = options.pageSize ?? 50_000;
  const defects = new Map<string, BarDefect>();
  let baseUrl = '';

  // Luxon date math per bar is costly: only pay it for tickers with missing sessions.
  const isMissing = (ticker: string, assetClass: AssetClass, ts: number) => {
    const dates = missing.get(ticker);
    return (
      dates !== undefined &&
      dates.size > 0 &&
      dates.has(calendarFor(assetClass).dateOf(new Date(ts)))
    );
  };

  function* servedBars(
    ticker: string,
    timeframe: BaseTimeframe,
    fromMs: number,
    toMs: number,
  ): Generator<Bar> {
    const assetClass = assetClassOf(ticker);
    const calendar = calendarFor(assetClass);
    const edge = now();
    for (const bar of market.bars(ticker, assetClass, timeframe, fromMs, toMs, {
      extendedHours: options.extendedHours,
    })) {
      const end =
        timeframe === '1m'
          ? bar.ts + MINUTE_MS
          : (calendar.session(calendar.dateOf(new Date(bar.ts)))?.close.getTime() ?? Infinity);
      if (end > edge) return;
      if (!isMissing(ticker, assetClass, bar.ts)) yield bar;
    }
  }

  function window(ticker: string, from: string, to: string): [number, number] | null {
    const calendar = calendarFor(assetClassOf(ticker));
    const start = /^\d+$/.test(from) ? Number(from) : dateStart(from);
    const end = /^\d+$/.test(to) ? Number(to) + 1 : dateStart(to, 1);
    return start === null || end === null ? null : [start, end];

    function dateStart(date: string, plusDays = 0): number | null {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
      return calendar.startOfDay(addDays(date, plusDays)).getTime();
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const parsed = new URL(req.url ?? '/', baseUrl);
    const query = Object.fromEntries(parsed.searchParams.entries());
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      query,
      authorization: req.headers.authorization,
      at: Date.now(),
      outcome: 200,
    };
    requests.push(record);
    const send = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
      contentType = typeof body === 'string' ? 'text/html' : 'application/json',
    ) => {
      record.outcome = status;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': contentType,
        'Content-Length': Buffer.byteLength(text),
        ...headers,
      });
      res.end(text);
    };
    const requestId = randomUUID().replace(/-/g, '');

    const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
    if (query.apiKey !== key && bearer !== key) {
      send(401, { status: 'ERROR', request_id: requestId, error: 'Unknown API Key' });
      return;
    }

    const fault = faults.pick(parsed.pathname, query, AGGS_PATH.exec(parsed.pathname)?.[1]);
    if (fault) {
      answerWithFault(fault, req, res, record, requestId, send);
      return;
    }

    const aggs = AGGS_PATH.exec(parsed.pathname);
    if (aggs) return serveAggregates(aggs, query, requestId, send);
    const reference = REFERENCE_ENDPOINTS[parsed.pathname];
    if (reference) return serveReference(reference, parsed.pathname, query, requestId, send);
    send(404, { status: 'NOT_FOUND', request_id: requestId, message: 'Not found' });
  }

  function serveAggregates(
    match: RegExpExecArray,
    query: Record<string, string>,
    requestId: string,
    send: (status: number, body: unknown, headers?: Record<string, string>, type?: string) => void,
  ): void {
    const [, rawTicker, multiplier, timespan, from, to] = match;
    const ticker = decodeURIComponent(rawTicker);
    const timeframe: BaseTimeframe = timespan === 'minute' ? '1m' : '1d';
    const range = window(ticker, from, to);
    if (multiplier !== '1' || range === null) {
      send(400, { status: 'ERROR', request_id: requestId, error: 'Could not parse the request' });
      return;
    }
    // A cursor carries the first request's options, as Polygon's does.
    if (query.cursor === undefined && (query.adjusted !== 'false' || query.sort !== 'asc')) {
      send(400, {
        status: 'ERROR',
        request_id: requestId,
        error: 'This fake serves adjusted=false&sort=asc only',
      });
      return;
    }
    let cursor: Cursor = { after: range[0] - 1, limit: clampLimit(query.limit) };
    if (query.cursor !== undefined) {
      const decoded = decodeCursor(query.cursor);
      if (!decoded) {
        send(400, { status: 'ERROR', request_id: requestId, error: 'Invalid cursor' });
        return;
      }
      cursor = decoded;
    }
    // Plain objects through JSON.stringify: measured faster than hand-built JSON strings.
    const results: Record<string, number>[] = [];
    let infinite = false;
    let more = false;
    for (const bar of servedBars(ticker, timeframe, cursor.after + 1, range[1])) {
      if (results.length === cursor.limit) {
        more = true;
        break;
      }
      results.push({
        v: bar.volume,
        vw: bar.vwap as number,
        o: bar.open,
        c: bar.close,
        h: bar.high,
        l: bar.low,
        t: bar.ts,
        n: bar.trades as number,
      });
      const defect = defects.get(`${ticker}@${bar.ts}`);
      if (defect) infinite = applyDefect(results[results.length - 1], defect) || infinite;
    }
    const body: Record<string, unknown> = {
      ticker,
      queryCount: results.length,
      resultsCount: results.length,
      adjusted: false,
    };
    if (results.length > 0) body.results = results;
    body.status = 'OK';
    body.request_id = requestId;
    body.count = results.length;
    if (more) {
      const next = encodeCursor({ after: results[results.length - 1].t, limit: cursor.limit });
      body.next_url = `${baseUrl}${match[0]}?cursor=${next}`;
    }
    if (!infinite) return send(200, body);
    // JSON.stringify cannot write an overflowing number; Polygon's encoder could.
    send(200, JSON.stringify(body).replace(/"h":-1(?=[,}])/g, '"h":1e999'), {}, 'application/json');
  }

  /**
   * A corporate-actions endpoint: `ticker` (all tickers without it), `limit` (default 100,
   * at most 5,000: more is a 400 as upstream), `sort` (comma-separated `column.asc|desc`),
   * pages through `next_url` whose cursor carries the query. Records get the derived fields
   * Massive adds (`ticker`, `id`, `historical_adjustment_factor`, `split_adjusted_cash_amount`).
   */
  function serveReference(
    endpoint: ReferenceEndpoint,
    path: string,
    query: Record<string, string>,
    requestId: string,
    send: (status: number, body: unknown, headers?: Record<string, string>, type?: string) => void,
  ): void {
    const fail = (error: string) => send(400, { status: 'ERROR', request_id: requestId, error });
    let page: ReferenceQuery;
    if (query.cursor !== undefined) {
      const decoded = decodeReferenceCursor(query.cursor);
      if (!decoded) return fail('Invalid cursor');
      page = decoded;
    } else {
      if (query.limit !== undefined && !/^\d+$/.test(query.limit)) {
        return fail('limit must be an integer');
      }
      const limit = query.limit === undefined ? 100 : Number(query.limit);
      if (limit < 1 || limit > 5000) return fail('limit must be between 1 and 5000');
      const sort = (query.sort ?? `${endpoint.dateField}.desc`).split(',').map((term) => {
        const [column, direction = 'asc'] = term.split('.');
        return { column, direction };
      });
      const bad = sort.find(
        (term) =>
          !endpoint.sortable.includes(term.column) || !['asc', 'desc'].includes(term.direction),
      );
      if (bad) return fail(`Invalid sort: ${query.sort}`);
      page = { offset: 0, limit, ticker: query.ticker ?? null, sort };
    }
    const tickers =
      page.ticker !== null ? [page.ticker] : [...new Set([...splits.keys(), ...dividends.keys()])];
    const all = tickers.flatMap((ticker) => endpoint.records(ticker));
    all.sort((a, b) => {
      for (const { column, direction } of page.sort) {
        const [x, y] = [a[column] ?? '', b[column] ?? ''];
        const order =
          typeof x === 'number' && typeof y === 'number'
            ? x - y
            : String(x).localeCompare(String(y));
        if (order !== 0) return direction === 'asc' ? order : -order;
      }
      return 0;
    });
    const size = Math.min(page.limit, pageCap);
    const results = all.slice(page.offset, page.offset + size);
    const body: Record<string, unknown> = { results, status: 'OK', request_id: requestId };
    if (page.offset + size < all.length) {
      const next = encodeReferenceCursor({ ...page, offset: page.offset + size });
      body.next_url = `${baseUrl}${path}?cursor=${next}`;
    }
    send(200, body);
  }

  /** Splits of a ticker with the fields Massive derives (factor: splits on or after this one). */
  function splitRecords(ticker: string): ReferenceRecord[] {
    const list = splits.get(ticker) ?? [];
    return list.map((split) => {
      const factor = list
        .filter((other) => other.execution_date !== null && split.execution_date !== null)
        .filter((other) => (other.execution_date as string) >= (split.execution_date as string))
        .reduce((product, other) => product * (other.split_from / other.split_to), 1);
      return {
        ticker,
        execution_date: split.execution_date,
        split_from: split.split_from,
        split_to: split.split_to,
        adjustment_type:
          split.adjustment_type ??
          (split.split_from > split.split_to ? 'reverse_split' : 'forward_split'),
        historical_adjustment_factor: split.execution_date === null ? null : factor,
        id: `S${hashString(`${ticker}|${split.execution_date}`).toString(16)}`,
      };
    });
  }

  /** Cash dividends of a ticker with the fields Massive derives. */
  function dividendRecords(ticker: string): ReferenceRecord[] {
    const list = dividends.get(ticker) ?? [];
    const calendar = calendarFor(assetClassOf(ticker));
    const keep = (date: string) => {
      let previous = addDays(date, -1);
      while (!calendar.isSessionDate(previous)) previous = addDays(previous, -1);
      const close = market.dailyBar(ticker, assetClassOf(ticker), previous)?.close;
      return (cash: number) => (close ? 1 - cash / close : 1);
    };
    return list.map((dividend) => {
      const factor = list
        .filter((other) => other.ex_dividend_date >= dividend.ex_dividend_date)
        .reduce((product, other) => product * keep(other.ex_dividend_date)(other.cash_amount), 1);
      const later = (splits.get(ticker) ?? []).filter(
        (split) =>
          split.execution_date !== null && split.execution_date > dividend.ex_dividend_date,
      );
      return {
        ticker,
        ex_dividend_date: dividend.ex_dividend_date,
        cash_amount: dividend.cash_amount,
        currency: dividend.currency ?? 'USD',
        declaration_date: dividend.declaration_date,
        record_date: dividend.record_date,
        pay_date: dividend.pay_date,
        frequency: dividend.frequency ?? 4,
        distribution_type: dividend.distribution_type ?? 'recurring',
        split_adjusted_cash_amount: later.reduce(
          (cash, split) => (cash * split.split_from) / split.split_to,
          dividend.cash_amount,
        ),
        historical_adjustment_factor: factor,
        id: `D${hashString(`${ticker}|${dividend.ex_dividend_date}`).toString(16)}`,
      };
    });
  }

  const REFERENCE_ENDPOINTS: Record<string, ReferenceEndpoint> = {
    '/stocks/v1/splits': {
      dateField: 'execution_date',
      sortable: ['ticker', 'execution_date'],
      records: splitRecords,
    },
    '/stocks/v1/dividends': {
      dateField: 'ex_dividend_date',
      sortable: ['ticker', 'ex_dividend_date', 'frequency', 'distribution_type'],
      records: dividendRecords,
    },
  };

  function clampLimit(raw: string | undefined, fallback = 5000): number {
    const requested = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : fallback;
    return Math.max(1, Math.min(requested, 50_000, pageCap));
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'ERROR', error: String(error) }));
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    key,
    requests,
    setFault: (rule) => faults.add(rule),
    corruptBar: (ticker, ts, defect) => defects.set(`${ticker}@${ts}`, defect),
    clearFaults: () => faults.clear(),
    setCorporateActions(ticker, actions) {
      if (actions.splits) splits.set(ticker, actions.splits);
      if (actions.dividends) dividends.set(ticker, actions.dividends);
    },
    omitSession(ticker, date) {
      if (!missing.has(ticker)) missing.set(ticker, new Set());
      missing.get(ticker)?.add(date);
    },
    expectedBars(ticker, timeframe, from, to) {
      const range = window(ticker, from, to);
      if (!range) throw new Error(`bad window ${from}..${to}`);
      return [...servedBars(ticker, timeframe, range[0], range[1])];
    },
    aggregateRequests(ticker) {
      return requests.filter((r) => {
        const match = AGGS_PATH.exec(r.path);
        return match !== null && (ticker === undefined || decodeURIComponent(match[1]) === ticker);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polygon's ticker prefixes: X: crypto, C: forex, I: indices; anything else is a stock. */
/** Changes a served result in place; true when its high must go out as 1e999. */
function applyDefect(result: Record<string, number>, defect: BarDefect): boolean {
  switch (defect) {
    case 'negative-volume':
      result.v = -result.v;
      return false;
    case 'high-below-low':
      [result.h, result.l] = [result.l - 0.01, result.h];
      return false;
    case 'infinite-price':
      result.h = -1; // placeholder, replaced by 1e999 in the body text
      return true;
  }
}

export function assetClassOf(ticker: string): AssetClass {
  if (ticker.startsWith('X:')) return 'crypto';
  if (ticker.startsWith('C:')) return 'forex';
  if (ticker.startsWith('I:')) return 'indices';
  return 'stocks';
}

type ReferenceRecord = Record<string, string | number | null | undefined>;

interface ReferenceEndpoint {
  /** The default sort column (descending, as upstream). */
  dateField: string;
  sortable: string[];
  records: (ticker: string) => ReferenceRecord[];
}

/** A reference query as its next_url cursor carries it. */
interface ReferenceQuery {
  offset: number;
  limit: number;
  ticker: string | null;
  sort: { column: string; direction: string }[];
}

function encodeReferenceCursor(query: ReferenceQuery): string {
  return Buffer.from(JSON.stringify(query)).toString('base64url');
}

function decodeReferenceCursor(raw: string): ReferenceQuery | null {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString()) as ReferenceQuery;
    return Number.isInteger(value.offset) &&
      Number.isInteger(value.limit) &&
      Array.isArray(value.sort)
      ? value
      : null;
  } catch {
    return null;
  }
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string): Cursor | null {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Cursor;
    return Number.isInteger(value.after) && Number.isInteger(value.limit) ? value : null;
  } catch {
    return null;
  }
}

import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import { SyntheticMarket } from '../../src/backfill/providers/demo/synthetic-market';
import {
  AssetClass,
  BaseTimeframe,
  ProviderBar,
} from '../../src/backfill/providers/market-data-provider';
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
  /** Makes a session's bars (minute and daily) missing upstream from now on. */
  omitSession(ticker: string, date: string): void;
  /** The bars a full, fault-free fetch of the window returns (dates as in the URL). */
  expectedBars(ticker: string, timeframe: BaseTimeframe, from: string, to: string): ProviderBar[];
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
 * A real HTTP server on 127.0.0.1 that speaks Polygon's wire format for aggregates, splits and
 * dividends: epoch-ms timestamps, daily stock bars at midnight New York and crypto at midnight
 * UTC, minute bars only inside sessions, pagination through an absolute `next_url` carrying a
 * cursor but not the key, the key checked on every request, and injectable faults. Bars are the
 * deterministic SyntheticMarket, generated lazily page by page.
 */
export async function startFakePolygon(options: FakePolygonOptions = {}): Promise<FakePolygon> {
  const key = options.key ?? `fake_${randomBytes(12).toString('hex')}`;
  const market = new SyntheticMarket();
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
  ): Generator<ProviderBar> {
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
    if (parsed.pathname === '/v3/reference/splits') {
      return serveReference(
        options.splits ?? {},
        'execution_date',
        parsed.pathname,
        query,
        requestId,
        send,
      );
    }
    if (parsed.pathname === '/v3/reference/dividends') {
      return serveReference(
        options.dividends ?? {},
        'ex_dividend_date',
        parsed.pathname,
        query,
        requestId,
        send,
      );
    }
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

  function serveReference(
    table: Record<string, (FakeSplit | FakeDividend)[]>,
    dateField: string,
    path: string,
    query: Record<string, string>,
    requestId: string,
    send: (status: number, body: unknown, headers?: Record<string, string>, type?: string) => void,
  ): void {
    const ticker = query.ticker;
    const offset = query.cursor ? Number(Buffer.from(query.cursor, 'base64url').toString()) : 0;
    const limit = Math.min(1000, clampLimit(query.limit, 10));
    const all = (ticker ? (table[ticker] ?? []) : Object.values(table).flat()).map((row) => ({
      ...row,
      ticker,
      id: `E${randomBytes(4).toString('hex')}`,
    }));
    all.sort((a, b) =>
      String((b as never)[dateField]).localeCompare(String((a as never)[dateField])),
    );
    const results = all.slice(offset, offset + limit);
    const body: Record<string, unknown> = { results, status: 'OK', request_id: requestId };
    if (offset + limit < all.length) {
      const cursor = Buffer.from(String(offset + limit)).toString('base64url');
      body.next_url = `${baseUrl}${path}?cursor=${cursor}&ticker=${encodeURIComponent(ticker ?? '')}&limit=${limit}`;
    }
    send(200, body);
  }

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

/** Faults the fake Polygon server can inject into matching requests. */
export type FakeFault =
  /** Any status with Polygon's JSON error body; `retryAfter` sets the Retry-After header. */
  | { kind: 'status'; status: number; retryAfter?: string; location?: string }
  /** 502 with an HTML body, as a load balancer in front of Polygon sends. */
  | { kind: 'html502' }
  /** The connection is destroyed without any response. */
  | { kind: 'reset' }
  /** The request is never answered (until the client gives up or the server closes). */
  | { kind: 'hang' }
  /** 200 with a truncated, unparseable JSON body. */
  | { kind: 'malformed' }
  /** 200 with valid JSON that is not the documented shape (a result lacks `o`). */
  | { kind: 'bad-shape' }
  /** 200 `status: "OK"` without `results`, as Polygon answers for a window without data. */
  | { kind: 'empty' };

export interface FaultRule {
  fault: FakeFault;
  /** Only requests for this ticker (aggregates path or `ticker=` query). */
  ticker?: string;
  /** Only requests whose path matches. */
  path?: RegExp;
  /** Only requests that continue a pagination (carry a `cursor`). */
  pagesOnly?: boolean;
  /** Let this many matching requests through before the fault starts. */
  skip?: number;
  /** Apply to this many matching requests, then stop (default: all). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Every query parameter as received (including apiKey: this is a test double). */
  query: Record<string, string>;
  authorization: string | undefined;
  at: number;
  /** What the server did: an HTTP status, or the fault kind for reset/hang. */
  outcome: number | 'reset' | 'hang';
}

/** A split as `/stocks/v1/splits` reports it (ticker, id and adjustment factor are added). */
export interface FakeSplit {
  /** Documented as optional upstream; null to serve a split without one. */
  execution_date: string | null;
  split_from: number;
  split_to: number;
  /** Default: forward_split, or reverse_split when split_from > split_to. */
  adjustment_type?: string;
}

/** A cash dividend as `/stocks/v1/dividends` reports it (derived fields are added). */
export interface FakeDividend {
  ex_dividend_date: string;
  pay_date?: string;
  record_date?: string;
  declaration_date?: string;
  cash_amount: number;
  currency?: string;
  /** Default: recurring. */
  distribution_type?: string;
  frequency?: number;
}

export interface FakePolygonOptions {
  /** The key the server accepts (default: a random one). */
  key?: string;
  /** Fixed port (default: any free port). */
  port?: number;
  /** Server-side page cap; the smaller of this and the request's `limit` applies. */
  pageSize?: number;
  /** Serve stock minute bars 04:00–20:00 New York, not only the regular session. */
  extendedHours?: boolean;
  /** The live edge: no bar that ends after this instant is served (default: real now). */
  now?: () => number;
  /** Sessions whose bars are missing upstream, e.g. `{ AAPL: ['2024-03-05'] }`. */
  missingSessions?: Record<string, string[]>;
  /** Splits per ticker; the served raw bars follow them (prices drop on the execution date). */
  splits?: Record<string, FakeSplit[]>;
  dividends?: Record<string, FakeDividend[]>;
}

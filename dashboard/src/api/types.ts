/**
 * Response and request shapes of the endpoints the dashboard uses, as the API documents them
 * (/docs-json). One file, so moving to a client generated from the OpenAPI document is a change
 * of these declarations, not of the views.
 */
import type { CalendarSession } from '../lib/freshness';
import type { Adjustment, Session, Timeframe } from '../lib/market';

export type { CalendarSession };

export interface RunSummary {
  id: string;
  trigger: string;
  status: RunStatus;
  barsFetched: number;
  barsWritten: number;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Status {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  database: { status: 'up' | 'down'; latencyMs: number | null };
  data: {
    symbols: number | null;
    activeSymbols: number | null;
    bars: number | null;
    latestBarAt: string | null;
    source: 'polygon' | 'synthetic';
  };
  scheduler: {
    enabled: boolean;
    cron: string;
    timezone: string;
    nextRunAt: string | null;
    lastRun: RunSummary | null;
  };
}

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface MetricsSummary {
  generatedAt: string;
  uptimeSeconds: number;
  requests: LatencySummary & { errors: number; clientErrors: number };
  cache: { hits: number; misses: number; hitRate: number | null };
  data: { bars: number; openGaps: number; activeSymbols: number };
}

export interface Coverage {
  timeframe: string;
  bars: number;
  firstBarAt: string | null;
  lastBarAt: string | null;
  validatedPct: number;
  openGaps: number;
}

export interface SymbolSummary {
  symbol: string;
  name: string | null;
  assetClass: string;
  exchange: string | null;
  currency: string;
  timeframes: string[];
  active: boolean;
}

export interface DetailedSymbol extends SymbolSummary {
  coverage: Coverage[];
}

export interface Bar {
  timestamp: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  trades: number | null;
}

export interface BarsPage {
  symbol: string;
  timeframe: Timeframe;
  start: string;
  end: string;
  count: number;
  bars: Bar[];
  nextCursor: string | null;
}

export interface BarsQuery {
  timeframe: Timeframe;
  start: string;
  end: string;
  adjustment: Adjustment;
  session: Session;
  limit?: number;
  cursor?: string;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';

export interface Run {
  id: string;
  trigger: string;
  status: RunStatus;
  symbols: string[];
  timeframes: string[];
  from: string | null;
  to: string | null;
  barsFetched: number;
  barsWritten: number;
  progress: { seriesDone: number; seriesTotal: number; percent: number };
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunPage {
  count: number;
  total: number;
  limit: number;
  offset: number;
  runs: Run[];
}

export interface BackfillRequest {
  symbols?: string[];
  timeframes?: ('1m' | '1d')[];
  from?: string;
  to?: string;
}

export interface Gap {
  id: string;
  symbol: string;
  timeframe: string;
  from: string;
  to: string;
  expectedBars: number | null;
  status: 'open' | 'not_yet_available' | 'repaired' | 'confirmed_empty';
  detectedAt: string;
  resolvedAt: string | null;
}

export interface GapPage {
  count: number;
  total: number;
  gaps: Gap[];
}

import { apiRequest } from './client';
import type {
  BackfillRequest,
  BarsPage,
  BarsQuery,
  CalendarSession,
  DetailedSymbol,
  GapPage,
  MetricsSummary,
  RunPage,
  Status,
  SymbolSummary,
} from './types';

/** The endpoints the dashboard calls, typed; public ones without a key, admin ones with it. */
export const api = {
  status: (signal?: AbortSignal) => apiRequest<Status>('/api/v1/status', { signal }),

  metrics: (signal?: AbortSignal) => apiRequest<MetricsSummary>('/api/v1/metrics', { signal }),

  symbolList: (signal?: AbortSignal) =>
    apiRequest<{ count: number; symbols: SymbolSummary[] }>('/api/v1/symbols', { signal }),

  symbols: (signal?: AbortSignal) =>
    apiRequest<{ count: number; symbols: DetailedSymbol[] }>('/api/v1/symbols/detailed', {
      signal,
    }),

  calendar: (exchange: string, start: string, end: string, signal?: AbortSignal) =>
    apiRequest<CalendarSession[]>('/api/v1/calendar', {
      query: { exchange, start, end },
      signal,
    }),

  bars: (symbol: string, query: BarsQuery, signal?: AbortSignal) =>
    apiRequest<BarsPage>(`/api/v1/historical/${encodeURIComponent(symbol)}`, {
      // Defaults are left out: a server that predates a parameter still answers.
      query: {
        ...query,
        adjustment: query.adjustment === 'raw' ? undefined : query.adjustment,
        session: query.session === 'all' ? undefined : query.session,
      },
      signal,
    }),

  runs: (apiKey: string, signal?: AbortSignal) =>
    apiRequest<RunPage>('/api/v1/admin/backfill/runs', { query: { limit: 20 }, apiKey, signal }),

  triggerBackfill: (apiKey: string, body: BackfillRequest) =>
    apiRequest<{ runId: string }>('/api/v1/admin/backfill', { method: 'POST', body, apiKey }),

  gaps: (apiKey: string, signal?: AbortSignal) =>
    apiRequest<GapPage>('/api/v1/admin/gaps', {
      query: { status: 'open', limit: 200 },
      apiKey,
      signal,
    }),

  repairGaps: (apiKey: string, symbols?: string[]) =>
    apiRequest<{ runId: string }>('/api/v1/admin/gaps/repair', {
      method: 'POST',
      body: symbols ? { symbols } : {},
      apiKey,
    }),
};

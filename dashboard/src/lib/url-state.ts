import {
  type Adjustment,
  ADJUSTMENTS,
  isIsoDate,
  isTimeframe,
  type Session,
  SESSIONS,
  SYMBOL_PATTERN,
  type Timeframe,
} from './market';

/**
 * The dashboard's selection lives in the URL's query string, so a view can be bookmarked and
 * shared: `?view=chart&symbol=AAPL&timeframe=1h&start=2024-01-02&end=2024-01-31`. Anything
 * malformed falls back to its default rather than breaking the page. The admin key is never
 * part of it (it lives in sessionStorage only).
 */
export const VIEWS = ['overview', 'symbols', 'chart', 'admin'] as const;
export type View = (typeof VIEWS)[number];

export const SORT_KEYS = [
  'symbol',
  'assetClass',
  'bars',
  'lastBarAt',
  'validatedPct',
  'openGaps',
  'freshness',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ChartSelection {
  symbol: string | null;
  timeframe: Timeframe;
  /** YYYY-MM-DD, or null for the timeframe's default range. */
  start: string | null;
  end: string | null;
  adjustment: Adjustment;
  session: Session;
}

export interface DashboardState {
  view: View;
  chart: ChartSelection;
  /** Symbols table: text filter, asset class filter, sort column and direction. */
  filter: string;
  assetClass: string | null;
  sort: SortKey;
  descending: boolean;
}

export const DEFAULT_STATE: DashboardState = {
  view: 'overview',
  chart: {
    symbol: null,
    timeframe: '1d',
    start: null,
    end: null,
    adjustment: 'raw',
    session: 'all',
  },
  filter: '',
  assetClass: null,
  sort: 'symbol',
  descending: false,
};

function oneOf<T extends string>(values: readonly T[], value: string | null, fallback: T): T {
  return (values as readonly string[]).includes(value ?? '') ? (value as T) : fallback;
}

export function parseState(search: string): DashboardState {
  const params = new URLSearchParams(search);
  const symbol = params.get('symbol');
  const timeframe = params.get('timeframe');
  const start = params.get('start');
  const end = params.get('end');
  const d = DEFAULT_STATE;
  return {
    view: oneOf(VIEWS, params.get('view'), d.view),
    chart: {
      symbol: symbol && SYMBOL_PATTERN.test(symbol) ? symbol.toUpperCase() : null,
      timeframe: isTimeframe(timeframe) ? timeframe : d.chart.timeframe,
      start: isIsoDate(start) ? start : null,
      end: isIsoDate(end) ? end : null,
      adjustment: oneOf(ADJUSTMENTS, params.get('adjustment'), d.chart.adjustment),
      session: oneOf(SESSIONS, params.get('session'), d.chart.session),
    },
    filter: (params.get('q') ?? '').slice(0, 64),
    assetClass: params.get('assetClass') || null,
    sort: oneOf(SORT_KEYS, params.get('sort'), d.sort),
    descending: params.get('dir') === 'desc',
  };
}

/** The query string of a state (with `?`), defaults left out so URLs stay short. */
export function toSearch(state: DashboardState): string {
  const params = new URLSearchParams();
  const d = DEFAULT_STATE;
  if (state.view !== d.view) params.set('view', state.view);
  const c = state.chart;
  if (c.symbol) params.set('symbol', c.symbol);
  if (c.timeframe !== d.chart.timeframe) params.set('timeframe', c.timeframe);
  if (c.start) params.set('start', c.start);
  if (c.end) params.set('end', c.end);
  if (c.adjustment !== d.chart.adjustment) params.set('adjustment', c.adjustment);
  if (c.session !== d.chart.session) params.set('session', c.session);
  if (state.filter) params.set('q', state.filter);
  if (state.assetClass) params.set('assetClass', state.assetClass);
  if (state.sort !== d.sort) params.set('sort', state.sort);
  if (state.descending) params.set('dir', 'desc');
  const query = params.toString();
  return query ? `?${query}` : '';
}

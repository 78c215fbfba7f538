import type { DetailedSymbol } from '../api/types';
import {
  calendarOf,
  type CalendarSession,
  type Freshness,
  FRESHNESS_ORDER,
  freshnessOf,
  worstFreshness,
} from './freshness';
import type { SortKey } from './url-state';

/** One line of the symbols table: a symbol's coverage summed over its stored timeframes. */
export interface SymbolRow {
  symbol: string;
  name: string | null;
  assetClass: string;
  timeframes: string[];
  bars: number;
  firstBarAt: string | null;
  lastBarAt: string | null;
  /** Share of validated bars over all timeframes, weighted by bars. */
  validatedPct: number | null;
  openGaps: number;
  freshness: Freshness;
  /** Per stored timeframe, for the freshness cell's explanation. */
  series: { timeframe: string; lastBarAt: string | null; freshness: Freshness }[];
}

export function toSymbolRow(
  symbol: DetailedSymbol,
  sessionsByCalendar: ReadonlyMap<string, readonly CalendarSession[]>,
  now: number,
): SymbolRow {
  const calendar = calendarOf(symbol.assetClass);
  const sessions = sessionsByCalendar.get(calendar.code) ?? [];
  const series = symbol.coverage.map((c) => ({
    timeframe: c.timeframe,
    lastBarAt: c.lastBarAt,
    freshness: freshnessOf(c.lastBarAt, now, sessions, calendar.timeZone),
  }));
  const bars = symbol.coverage.reduce((sum, c) => sum + c.bars, 0);
  const validated = symbol.coverage.reduce((sum, c) => sum + (c.validatedPct * c.bars) / 100, 0);
  return {
    symbol: symbol.symbol,
    name: symbol.name,
    assetClass: symbol.assetClass,
    timeframes: symbol.timeframes,
    bars,
    firstBarAt: extreme(
      symbol.coverage.map((c) => c.firstBarAt),
      -1,
    ),
    lastBarAt: extreme(
      symbol.coverage.map((c) => c.lastBarAt),
      1,
    ),
    validatedPct: bars > 0 ? Math.round((validated / bars) * 1000) / 10 : null,
    openGaps: symbol.coverage.reduce((sum, c) => sum + c.openGaps, 0),
    freshness: worstFreshness(series.map((s) => s.freshness)),
    series,
  };
}

/** Earliest (-1) or latest (1) of ISO instants, ignoring nulls. */
function extreme(values: (string | null)[], direction: 1 | -1): string | null {
  let best: string | null = null;
  for (const value of values) {
    if (value && (best === null || (value > best ? direction === 1 : direction === -1))) {
      best = value;
    }
  }
  return best;
}

/** Rows whose symbol starts with, or whose name contains, the text (case-insensitive). */
export function filterRows(
  rows: readonly SymbolRow[],
  text: string,
  assetClass: string | null,
): SymbolRow[] {
  const needle = text.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (!assetClass || row.assetClass === assetClass) &&
      (!needle ||
        row.symbol.toLowerCase().startsWith(needle) ||
        (row.name ?? '').toLowerCase().includes(needle)),
  );
}

export function sortRows(
  rows: readonly SymbolRow[],
  key: SortKey,
  descending: boolean,
): SymbolRow[] {
  const value = (row: SymbolRow): string | number =>
    key === 'freshness' ? FRESHNESS_ORDER[row.freshness] : (row[key] ?? '');
  const direction = descending ? -1 : 1;
  // Ties stay in symbol order whichever the direction.
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return order !== 0 ? order * direction : a.symbol.localeCompare(b.symbol);
  });
}

import { api } from '../api/endpoints';
import type { CalendarSession } from '../api/types';
import type { Navigate } from '../app';
import { ErrorMessage, Field } from '../components/error-message';
import { useResource } from '../components/use-resource';
import { formatInstant, formatNumber } from '../lib/format';
import { calendarOf, type Freshness } from '../lib/freshness';
import { ASSET_CLASSES, utcDate } from '../lib/market';
import { filterRows, sortRows, type SymbolRow, toSymbolRow } from '../lib/symbol-rows';
import type { DashboardState, SortKey } from '../lib/url-state';

const SYMBOLS_REFRESH_MS = 60_000;
/** Calendar window: long enough that any series behind it is stale on its own. */
const CALENDAR_DAYS = 30;

const COLUMNS: { key: SortKey | null; label: string }[] = [
  { key: 'symbol', label: 'Symbol' },
  { key: null, label: 'Name' },
  { key: 'assetClass', label: 'Asset class' },
  { key: null, label: 'Timeframes' },
  { key: 'bars', label: 'Bars' },
  { key: null, label: 'First bar (UTC)' },
  { key: 'lastBarAt', label: 'Last bar (UTC)' },
  { key: 'validatedPct', label: 'Validated' },
  { key: 'openGaps', label: 'Open gaps' },
  { key: 'freshness', label: 'Freshness' },
];

const FRESHNESS_LABEL: Record<Freshness, string> = {
  healthy: 'Healthy',
  warning: 'Warning',
  stale: 'Stale',
  unknown: 'No data',
};

async function loadRows(signal: AbortSignal): Promise<SymbolRow[]> {
  const now = Date.now();
  const { symbols } = await api.symbols(signal);
  const codes = [...new Set(symbols.map((s) => calendarOf(s.assetClass).code))];
  const start = utcDate(now - CALENDAR_DAYS * 86_400_000);
  const end = utcDate(now);
  const calendars = await Promise.all(
    codes.map(async (code) => [code, await api.calendar(code, start, end, signal)] as const),
  );
  const sessions = new Map<string, CalendarSession[]>(calendars);
  return symbols.map((symbol) => toSymbolRow(symbol, sessions, now));
}

export function SymbolsView({ state, navigate }: { state: DashboardState; navigate: Navigate }) {
  const rows = useResource(loadRows, [], SYMBOLS_REFRESH_MS);
  const shown = rows.data
    ? sortRows(filterRows(rows.data, state.filter, state.assetClass), state.sort, state.descending)
    : [];
  const sortBy = (key: SortKey): void =>
    navigate({ sort: key, descending: state.sort === key ? !state.descending : false }, true);

  return (
    <section aria-labelledby="symbols-title">
      <h2 id="symbols-title">Symbols</h2>
      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <Field id="symbols-filter" label="Filter">
          <input
            id="symbols-filter"
            type="search"
            value={state.filter}
            placeholder="Symbol or name"
            maxLength={64}
            onInput={(event) => navigate({ filter: event.currentTarget.value }, true)}
          />
        </Field>
        <Field id="symbols-asset-class" label="Asset class">
          <select
            id="symbols-asset-class"
            value={state.assetClass ?? ''}
            onChange={(event) => navigate({ assetClass: event.currentTarget.value || null }, true)}
          >
            <option value="">All</option>
            {ASSET_CLASSES.map((assetClass) => (
              <option key={assetClass} value={assetClass}>
                {assetClass}
              </option>
            ))}
          </select>
        </Field>
      </form>
      <ErrorMessage error={rows.error} context="Symbols" />
      {!rows.data && !rows.error && <p aria-busy="true">Loading symbols…</p>}
      {rows.data && (
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="symbols-title">
          <table class="symbols">
            <caption>
              {shown.length} of {rows.data.length} symbols. Freshness counts the trading sessions
              missing since the last bar (per the exchange calendar: weekends and holidays are not
              missing for stocks, they are for crypto).
            </caption>
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <th
                    key={column.label}
                    scope="col"
                    aria-sort={
                      column.key && state.sort === column.key
                        ? state.descending
                          ? 'descending'
                          : 'ascending'
                        : undefined
                    }
                  >
                    {column.key ? (
                      <button type="button" class="sort" onClick={() => sortBy(column.key!)}>
                        {column.label}
                      </button>
                    ) : (
                      column.label
                    )}
                  </th>
                ))}
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr key={row.symbol} data-symbol={row.symbol}>
                  <th scope="row">{row.symbol}</th>
                  <td class="wrap">{row.name ?? '—'}</td>
                  <td>{row.assetClass}</td>
                  <td>{row.timeframes.join(', ')}</td>
                  <td class="num">{formatNumber(row.bars)}</td>
                  <td>{formatInstant(row.firstBarAt, false)}</td>
                  <td>{formatInstant(row.lastBarAt, false)}</td>
                  <td class="num">{row.validatedPct === null ? '—' : `${row.validatedPct} %`}</td>
                  <td class="num">{formatNumber(row.openGaps)}</td>
                  <td>
                    <span
                      class={`badge ${row.freshness}`}
                      title={row.series
                        .map((s) => `${s.timeframe}: ${FRESHNESS_LABEL[s.freshness]}`)
                        .join(', ')}
                    >
                      {FRESHNESS_LABEL[row.freshness]}
                    </span>
                  </td>
                  <td>
                    <a
                      href={`?view=chart&symbol=${encodeURIComponent(row.symbol)}`}
                      aria-label={`Open chart of ${row.symbol}`}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate({
                          view: 'chart',
                          chart: { ...state.chart, symbol: row.symbol, start: null, end: null },
                        });
                      }}
                    >
                      Chart
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

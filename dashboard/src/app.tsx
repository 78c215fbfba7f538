import { useCallback, useEffect, useState } from 'preact/hooks';

import { api } from './api/endpoints';
import { ErrorMessage } from './components/error-message';
import { RateLimitBanner } from './components/rate-limit-banner';
import { useResource } from './components/use-resource';
import { type DashboardState, parseState, toSearch, type View } from './lib/url-state';
import { AdminView } from './views/admin';
import { ChartView } from './views/chart';
import { OverviewView } from './views/overview';
import { SymbolsView } from './views/symbols';

const NAV: { view: View; label: string }[] = [
  { view: 'overview', label: 'Overview' },
  { view: 'symbols', label: 'Symbols' },
  { view: 'chart', label: 'Chart' },
  { view: 'admin', label: 'Backfill & gaps' },
];

/** Status refresh: the overview's figures and the demo banner. */
const STATUS_REFRESH_MS = 15_000;

export type Navigate = (change: Partial<DashboardState>, replace?: boolean) => void;

export function App() {
  const [state, setState] = useState<DashboardState>(() => parseState(location.search));
  const status = useResource((signal) => api.status(signal), [], STATUS_REFRESH_MS);

  useEffect(() => {
    const onPop = (): void => setState(parseState(location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback<Navigate>((change, replace = false) => {
    setState((current) => {
      const next = { ...current, ...change, chart: { ...current.chart, ...change.chart } };
      const url = `${location.pathname}${toSearch(next)}`;
      if (replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
      return next;
    });
  }, []);

  useEffect(() => {
    const label = NAV.find((item) => item.view === state.view)?.label ?? '';
    document.title = `${label} · Market Data Warehouse`;
  }, [state.view]);

  const demo = status.data?.data.source === 'synthetic';
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <h1>Market Data Warehouse</h1>
        <nav aria-label="Dashboard sections">
          <ul>
            {NAV.map((item) => (
              <li key={item.view}>
                <a
                  href={`${location.pathname}${toSearch({ ...state, view: item.view })}`}
                  aria-current={state.view === item.view ? 'page' : undefined}
                  onClick={(event) => {
                    if (event.ctrlKey || event.metaKey || event.shiftKey) return;
                    event.preventDefault();
                    navigate({ view: item.view });
                  }}
                >
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      {demo && (
        <p class="banner demo" role="note" data-testid="demo-banner">
          Demo mode: the data source is synthetic (no <code>POLYGON_API_KEY</code> set). Prices are
          generated, not real market data.
        </p>
      )}
      <RateLimitBanner />
      <main id="main" tabIndex={-1}>
        {state.view === 'overview' && <OverviewView status={status} />}
        {state.view === 'symbols' && <SymbolsView state={state} navigate={navigate} />}
        {state.view === 'chart' && <ChartView selection={state.chart} navigate={navigate} />}
        {state.view === 'admin' && <AdminView />}
      </main>
      {state.view !== 'overview' && status.error !== null && (
        <footer>
          <ErrorMessage error={status.error} context="Status" />
        </footer>
      )}
    </>
  );
}

import { useEffect, useState } from 'preact/hooks';

import { api } from '../api/endpoints';
import type { Bar } from '../api/types';
import type { Navigate } from '../app';
import { CandleChart } from '../components/candle-chart';
import { describedBy, ErrorMessage, Field } from '../components/error-message';
import { useResource } from '../components/use-resource';
import { loadAllPages, PAGE_SIZE } from '../lib/bar-pages';
import { summarizeBars } from '../lib/bar-summary';
import { describeError } from '../lib/errors';
import { formatCompact, formatInstant, formatNumber, formatPrice } from '../lib/format';
import {
  type Adjustment,
  ADJUSTMENTS,
  defaultRange,
  type Session,
  SESSIONS,
  type Timeframe,
  TIMEFRAMES,
} from '../lib/market';
import type { ChartSelection } from '../lib/url-state';

const ADJUSTMENT_LABEL: Record<Adjustment, string> = {
  raw: 'Raw (as traded)',
  split: 'Split-adjusted',
  dividend: 'Dividend-adjusted',
  all: 'Split and dividend',
};
const SESSION_LABEL: Record<Session, string> = {
  all: 'All hours',
  regular: 'Regular session',
  extended: 'Pre/post market only',
};

interface Loaded {
  bars: Bar[];
  pages: number;
  truncated: boolean;
}

export function ChartView({
  selection,
  navigate,
}: {
  selection: ChartSelection;
  navigate: Navigate;
}) {
  const symbols = useResource((signal) => api.symbolList(signal), []);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  const symbol = selection.symbol ?? symbols.data?.symbols[0]?.symbol ?? null;
  const range = defaultRange(selection.timeframe, Date.now());
  const start = selection.start ?? range.start;
  const end = selection.end ?? range.end;
  const { timeframe, adjustment, session } = selection;

  useEffect(() => {
    if (!symbol) return;
    const controller = new AbortController();
    setError(null);
    setProgress(0);
    loadAllPages(
      (cursor) =>
        api.bars(
          symbol,
          { timeframe, start, end, adjustment, session, limit: PAGE_SIZE, cursor },
          controller.signal,
        ),
      (count) => !controller.signal.aborted && setProgress(count),
    ).then(
      (result) => {
        if (controller.signal.aborted) return;
        setLoaded(result);
        setProgress(null);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setLoaded(null);
        setError(failure);
        setProgress(null);
      },
    );
    return () => controller.abort();
  }, [symbol, timeframe, start, end, adjustment, session]);

  const change = (chart: Partial<ChartSelection>): void =>
    navigate({ chart: { ...selection, symbol, ...chart } });
  // The API's 400 names the query parameter at fault: its message goes under that control.
  const fields = error ? describeError(error).fields : {};
  const errorOf = (field: string) => ({ errorId: `error-${field}`, error: fields[field] });
  // The control's own attributes: described by the API's message, and marked invalid.
  const described = (field: string) => ({
    'aria-describedby': describedBy({ id: `error-${field}`, message: fields[field] }),
    'aria-invalid': fields[field] ? true : undefined,
  });
  const intraday = !['1d', '1w', '1mo'].includes(timeframe);
  const summary = loaded && summarizeBars(loaded.bars);

  return (
    <section aria-labelledby="chart-title">
      <h2 id="chart-title">Chart{symbol ? ` · ${symbol} ${timeframe}` : ''}</h2>
      <ErrorMessage error={symbols.error} context="Symbols" />
      <form class="chart-controls" onSubmit={(event) => event.preventDefault()}>
        <Field id="chart-symbol" label="Symbol">
          <select
            id="chart-symbol"
            value={symbol ?? ''}
            onChange={(event) => change({ symbol: event.currentTarget.value })}
          >
            {symbol && !symbols.data?.symbols.some((s) => s.symbol === symbol) && (
              <option value={symbol}>{symbol}</option>
            )}
            {symbols.data?.symbols.map((s) => (
              <option key={s.symbol} value={s.symbol}>
                {s.symbol}
              </option>
            ))}
          </select>
        </Field>
        <Field id="chart-timeframe" label="Timeframe" {...errorOf('timeframe')}>
          <select
            id="chart-timeframe"
            value={timeframe}
            {...described('timeframe')}
            onChange={(event) =>
              change({
                timeframe: event.currentTarget.value as Timeframe,
                start: null,
                end: null,
              })
            }
          >
            {TIMEFRAMES.map((tf) => (
              <option key={tf} value={tf}>
                {tf}
              </option>
            ))}
          </select>
        </Field>
        <Field id="chart-start" label="From" {...errorOf('start')}>
          <input
            id="chart-start"
            type="date"
            value={start}
            max={end}
            required
            {...described('start')}
            onChange={(event) =>
              event.currentTarget.value && change({ start: event.currentTarget.value, end })
            }
          />
        </Field>
        <Field id="chart-end" label="To" {...errorOf('end')}>
          <input
            id="chart-end"
            type="date"
            value={end}
            min={start}
            required
            {...described('end')}
            onChange={(event) =>
              event.currentTarget.value && change({ start, end: event.currentTarget.value })
            }
          />
        </Field>
        <Field id="chart-adjustment" label="Adjustment" {...errorOf('adjustment')}>
          <select
            id="chart-adjustment"
            value={adjustment}
            {...described('adjustment')}
            onChange={(event) => change({ adjustment: event.currentTarget.value as Adjustment })}
          >
            {ADJUSTMENTS.map((a) => (
              <option key={a} value={a}>
                {ADJUSTMENT_LABEL[a]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="chart-session" label="Session" {...errorOf('session')}>
          <select
            id="chart-session"
            value={session}
            {...described('session')}
            onChange={(event) => change({ session: event.currentTarget.value as Session })}
          >
            {SESSIONS.map((s) => (
              <option key={s} value={s}>
                {SESSION_LABEL[s]}
              </option>
            ))}
          </select>
        </Field>
      </form>
      <p class="chart-status" role="status" aria-live="polite">
        {progress !== null
          ? `Loading bars… ${formatNumber(progress)}`
          : loaded
            ? `${formatNumber(loaded.bars.length)} bars in ${loaded.pages} ${loaded.pages === 1 ? 'page' : 'pages'}${
                loaded.truncated ? ' (the range holds more: narrow it to see the rest)' : ''
              }`
            : ''}
      </p>
      <ErrorMessage error={error} context="Bars" />
      {!symbol && symbols.data && <p>No symbols are tracked yet.</p>}
      {symbol && loaded && loaded.bars.length === 0 && (
        <p class="empty">
          No bars for {symbol} {timeframe} in this range.
        </p>
      )}
      {summary && (
        <p class="chart-summary" data-testid="chart-summary">
          First bar {formatInstant(summary.first.timestamp)}: open {formatPrice(summary.first.open)}
          . Last bar {formatInstant(summary.last.timestamp)}: close{' '}
          {formatPrice(summary.last.close)}. Low {formatPrice(summary.low)}, high{' '}
          {formatPrice(summary.high)}, volume {formatCompact(summary.volume)}.
        </p>
      )}
      {/* A refused selection shows the API's message above, not an empty chart. */}
      {!error && (
        <CandleChart
          bars={loaded?.bars ?? []}
          intraday={intraday}
          label={`Candlesticks and volume of ${symbol ?? 'no symbol'}, ${timeframe}, ${start} to ${end}`}
        />
      )}
    </section>
  );
}

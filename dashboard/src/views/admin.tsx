import { useState } from 'preact/hooks';

import { api } from '../api/endpoints';
import type { BackfillRequest, Run } from '../api/types';
import { describedBy, ErrorMessage, Field, FieldError } from '../components/error-message';
import { useResource } from '../components/use-resource';
import { forgetAdminKey, looksLikeApiKey, readAdminKey, saveAdminKey } from '../lib/admin-key';
import { describeError } from '../lib/errors';
import { formatInstant, formatNumber, formatRelative } from '../lib/format';
import { runClass } from './overview';

/** Run history refreshes this often while a run is queued or running, else every 15 s. */
const LIVE_REFRESH_MS = 1_000;
const IDLE_REFRESH_MS = 15_000;

export function AdminView() {
  const [key, setKey] = useState<string | null>(() => readAdminKey());
  return (
    <section aria-labelledby="admin-title">
      <h2 id="admin-title">Backfill and gaps</h2>
      <KeyForm
        current={key}
        onSave={(value) => {
          saveAdminKey(value);
          setKey(readAdminKey());
        }}
        onForget={() => {
          forgetAdminKey();
          setKey(null);
        }}
      />
      {key ? (
        <AdminPanels apiKey={key} />
      ) : (
        <p>
          Enter an admin API key to see backfill runs and gaps. Create one with{' '}
          <code>npm run cli -- api-keys:create --name me --scopes admin</code>.
        </p>
      )}
    </section>
  );
}

function KeyForm(props: {
  current: string | null;
  onSave: (key: string) => void;
  onForget: () => void;
}) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  if (props.current) {
    return (
      <div class="key-form">
        <p>
          Using admin key <code>{`${props.current.slice(0, 8)}…${props.current.slice(-4)}`}</code>{' '}
          (kept in this tab only).
        </p>
        <button type="button" onClick={props.onForget}>
          Forget key
        </button>
      </div>
    );
  }
  return (
    <form
      class="key-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!looksLikeApiKey(value)) {
          setProblem('An API key starts with mdw_ followed by at least 32 letters and digits.');
          return;
        }
        setProblem(null);
        props.onSave(value);
        setValue('');
      }}
    >
      <Field
        id="admin-key"
        label="Admin API key"
        hint="Kept in this browser tab's session storage only: never in the address bar, and gone when the tab closes."
        error={problem ?? undefined}
      >
        <input
          id="admin-key"
          type="password"
          name="admin-key"
          autoComplete="off"
          spellcheck={false}
          value={value}
          aria-describedby={describedBy(
            { id: 'admin-key-error', message: problem ?? undefined },
            'admin-key',
          )}
          aria-invalid={problem ? true : undefined}
          onInput={(event) => setValue(event.currentTarget.value)}
        />
      </Field>
      <button type="submit">Use key</button>
    </form>
  );
}

function AdminPanels({ apiKey }: { apiKey: string }) {
  const [live, setLive] = useState(false);
  const runs = useResource(
    async (signal) => {
      const page = await api.runs(apiKey, signal);
      setLive(page.runs.some((run) => run.status === 'queued' || run.status === 'running'));
      return page;
    },
    [apiKey],
    live ? LIVE_REFRESH_MS : IDLE_REFRESH_MS,
  );
  const gaps = useResource((signal) => api.gaps(apiKey, signal), [apiKey], IDLE_REFRESH_MS);
  const started = (): void => {
    setLive(true);
    runs.reload();
  };
  return (
    <>
      <TriggerForm apiKey={apiKey} onStarted={started} />
      <section aria-labelledby="runs-title" class="panel">
        <h3 id="runs-title">Runs</h3>
        <ErrorMessage error={runs.error} context="Runs" />
        {runs.data && <RunTable runs={runs.data.runs} />}
        {!runs.data && !runs.error && <p aria-busy="true">Loading runs…</p>}
      </section>
      <section aria-labelledby="gaps-title" class="panel">
        <h3 id="gaps-title">Open gaps</h3>
        <ErrorMessage error={gaps.error} context="Gaps" />
        {gaps.data && (
          <GapList
            apiKey={apiKey}
            gaps={gaps.data.gaps}
            total={gaps.data.total}
            onRepair={() => {
              started();
              gaps.reload();
            }}
          />
        )}
      </section>
    </>
  );
}

function TriggerForm({ apiKey, onStarted }: { apiKey: string; onStarted: () => void }) {
  const symbols = useResource((signal) => api.symbolList(signal), []);
  const [chosen, setChosen] = useState<string[]>([]);
  const [timeframes, setTimeframes] = useState<('1m' | '1d')[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [started, setStarted] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = error ? describeError(error).fields : {};
  const fieldError = (name: string): string | undefined =>
    Object.entries(fields)
      .filter(
        ([field]) => field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`),
      )
      .map(([, message]) => message)
      .join('; ') || undefined;

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const body: BackfillRequest = {};
    if (chosen.length) body.symbols = chosen;
    if (timeframes.length) body.timeframes = timeframes;
    if (from) body.from = from;
    if (to) body.to = to;
    setBusy(true);
    setError(null);
    try {
      const { runId } = await api.triggerBackfill(apiKey, body);
      setStarted(runId);
      onStarted();
    } catch (failure) {
      setError(failure);
      setStarted(null);
    } finally {
      setBusy(false);
    }
  };

  const toggle = <T,>(list: T[], item: T, on: boolean): T[] =>
    on ? [...list, item] : list.filter((x) => x !== item);
  return (
    <form class="panel trigger" aria-labelledby="trigger-title" onSubmit={(e) => void submit(e)}>
      <h3 id="trigger-title">Start a backfill</h3>
      <fieldset aria-describedby={fieldError('symbols') ? 'error-symbols' : undefined}>
        <legend>Symbols (none: every active symbol)</legend>
        <ErrorMessage error={symbols.error} context="Symbols" />
        <div class="choices">
          {symbols.data?.symbols.map((s) => (
            <label key={s.symbol} class="choice">
              <input
                type="checkbox"
                name="symbols"
                value={s.symbol}
                checked={chosen.includes(s.symbol)}
                onChange={(e) => setChosen(toggle(chosen, s.symbol, e.currentTarget.checked))}
              />
              {s.symbol}
            </label>
          ))}
        </div>
        <FieldError id="error-symbols" message={fieldError('symbols')} />
      </fieldset>
      <fieldset aria-describedby={fieldError('timeframes') ? 'error-timeframes' : undefined}>
        <legend>Timeframes (none: each symbol&apos;s own)</legend>
        <div class="choices">
          {(['1m', '1d'] as const).map((tf) => (
            <label key={tf} class="choice">
              <input
                type="checkbox"
                name="timeframes"
                value={tf}
                checked={timeframes.includes(tf)}
                onChange={(e) => setTimeframes(toggle(timeframes, tf, e.currentTarget.checked))}
              />
              {tf}
            </label>
          ))}
        </div>
        <FieldError id="error-timeframes" message={fieldError('timeframes')} />
      </fieldset>
      <div class="dates">
        <DateField
          name="from"
          label="From"
          hint="Empty: from each series' last bar"
          value={from}
          error={fieldError('from')}
          onInput={setFrom}
        />
        <DateField
          name="to"
          label="To"
          hint="Empty: now"
          value={to}
          error={fieldError('to')}
          onInput={setTo}
        />
      </div>
      <button type="submit" disabled={busy}>
        {busy ? 'Starting…' : 'Start backfill'}
      </button>
      <ErrorMessage error={error} context="Backfill" />
      <p role="status" aria-live="polite">
        {started && `Run ${started.slice(0, 8)} started: its progress is in the runs below.`}
      </p>
    </form>
  );
}

/** A date of the backfill body, typed as text so the API (not the browser) judges it. */
function DateField(props: {
  name: 'from' | 'to';
  label: string;
  hint: string;
  value: string;
  error?: string;
  onInput: (value: string) => void;
}) {
  const id = `backfill-${props.name}`;
  const errorId = `error-${props.name}`;
  return (
    <Field id={id} label={props.label} hint={props.hint} errorId={errorId} error={props.error}>
      <input
        id={id}
        name={props.name}
        value={props.value}
        placeholder="YYYY-MM-DD"
        aria-describedby={describedBy({ id: errorId, message: props.error }, id)}
        aria-invalid={props.error ? true : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value.trim())}
      />
    </Field>
  );
}

function RunTable({ runs }: { runs: Run[] }) {
  if (runs.length === 0) return <p>No runs yet.</p>;
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label="Backfill runs">
      <table class="runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Trigger</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Bars written</th>
            <th scope="col">Symbols</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run={run.id} data-status={run.status}>
              <th scope="row">
                <code title={run.id}>{run.id.slice(0, 8)}</code>
              </th>
              <td>{run.trigger}</td>
              <td>
                <span class={`badge ${runClass(run.status)}`}>{run.status}</span>
                {run.error && <p class="run-error">{run.error}</p>}
              </td>
              <td>
                <progress
                  max={100}
                  value={run.progress.percent}
                  aria-label={`Run ${run.id.slice(0, 8)} progress`}
                />{' '}
                <span class="num">
                  {run.progress.percent} % ({run.progress.seriesDone}/{run.progress.seriesTotal})
                </span>
              </td>
              <td class="num">{formatNumber(run.barsWritten)}</td>
              <td>{run.symbols.length ? run.symbols.join(', ') : 'all'}</td>
              <td title={formatInstant(run.startedAt ?? run.createdAt)}>
                {formatRelative(run.startedAt ?? run.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function GapList(props: {
  apiKey: string;
  gaps: { id: string; symbol: string; timeframe: string; from: string; to: string }[];
  total: number;
  onRepair: () => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const repair = async (symbols?: string[]): Promise<void> => {
    setError(null);
    try {
      const { runId } = await api.repairGaps(props.apiKey, symbols);
      setMessage(`Repair run ${runId.slice(0, 8)} started.`);
      props.onRepair();
    } catch (failure) {
      setError(failure);
    }
  };
  const bySymbol = new Map<string, number>();
  for (const gap of props.gaps) bySymbol.set(gap.symbol, (bySymbol.get(gap.symbol) ?? 0) + 1);
  return (
    <>
      <ErrorMessage error={error} context="Repair" />
      <p role="status" aria-live="polite">
        {message}
      </p>
      {props.total === 0 ? (
        <p>No open gaps.</p>
      ) : (
        <>
          <p>
            {formatNumber(props.total)} open {props.total === 1 ? 'gap' : 'gaps'}.{' '}
            <button type="button" onClick={() => void repair()}>
              Repair all
            </button>
          </p>
          <div class="table-scroll" tabIndex={0} role="region" aria-label="Open gaps">
            <table class="gaps">
              <thead>
                <tr>
                  <th scope="col">Symbol</th>
                  <th scope="col">Timeframe</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.gaps.map((gap) => (
                  <tr key={gap.id}>
                    <th scope="row">{gap.symbol}</th>
                    <td>{gap.timeframe}</td>
                    <td>{formatInstant(gap.from)}</td>
                    <td>{formatInstant(gap.to)}</td>
                    <td>
                      <button
                        type="button"
                        aria-label={`Repair the ${bySymbol.get(gap.symbol)} open gaps of ${gap.symbol}`}
                        onClick={() => void repair([gap.symbol])}
                      >
                        Repair
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

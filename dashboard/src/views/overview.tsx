import { useRef } from 'preact/hooks';

import { api } from '../api/endpoints';
import type { MetricsSummary, Status } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { type Resource, useResource } from '../components/use-resource';
import {
  formatCompact,
  formatInstant,
  formatMs,
  formatNumber,
  formatRelative,
} from '../lib/format';
import { type CounterSample, requestRate } from '../lib/request-rate';

const METRICS_REFRESH_MS = 10_000;

interface MetricsReading {
  metrics: MetricsSummary;
  ratePerSecond: number | null;
}

export function OverviewView({ status }: { status: Resource<Status> }) {
  const previous = useRef<CounterSample | null>(null);
  const metrics = useResource<MetricsReading>(
    async (signal) => {
      const summary = await api.metrics(signal);
      const sample = { count: summary.requests.count, uptimeSeconds: summary.uptimeSeconds };
      const ratePerSecond = requestRate(previous.current, sample);
      previous.current = sample;
      return { metrics: summary, ratePerSecond };
    },
    [],
    METRICS_REFRESH_MS,
  );
  const s = status.data;
  const m = metrics.data;
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <ErrorMessage error={status.error} context="Status" />
      {!s && !status.error && <p aria-busy="true">Loading status…</p>}
      {s && (
        <div class="cards">
          <article class="card" aria-labelledby="card-db">
            <h3 id="card-db">Database</h3>
            <p class={`state ${s.database.status === 'up' ? 'good' : 'bad'}`}>
              {s.database.status === 'up' ? 'Up' : 'Down'}
            </p>
            <p>Round trip {formatMs(s.database.latencyMs)}</p>
          </article>
          <article class="card" aria-labelledby="card-source">
            <h3 id="card-source">Data source</h3>
            <p class={`state ${s.data.source === 'polygon' ? 'good' : 'warn'}`}>
              {s.data.source === 'polygon' ? 'Polygon.io' : 'Synthetic (demo)'}
            </p>
            <p>
              API {s.status === 'ok' ? 'healthy' : 'degraded'} · v{s.version}
            </p>
          </article>
          <article class="card" aria-labelledby="card-scheduler">
            <h3 id="card-scheduler">Scheduler</h3>
            <p class={`state ${s.scheduler.enabled ? 'good' : 'warn'}`}>
              {s.scheduler.enabled ? 'Enabled' : 'Disabled'}
            </p>
            <p>
              Next run{' '}
              {s.scheduler.nextRunAt
                ? `${formatInstant(s.scheduler.nextRunAt)} (${formatRelative(s.scheduler.nextRunAt)})`
                : '—'}
            </p>
            <p>
              <code>{s.scheduler.cron}</code> {s.scheduler.timezone}
            </p>
          </article>
          <article class="card" aria-labelledby="card-last-run">
            <h3 id="card-last-run">Last run</h3>
            {s.scheduler.lastRun ? (
              <>
                <p class={`state ${runClass(s.scheduler.lastRun.status)}`}>
                  {s.scheduler.lastRun.status}
                </p>
                <p>
                  {s.scheduler.lastRun.trigger} ·{' '}
                  {formatRelative(s.scheduler.lastRun.finishedAt ?? s.scheduler.lastRun.startedAt)}
                </p>
                <p>{formatNumber(s.scheduler.lastRun.barsWritten)} bars written</p>
              </>
            ) : (
              <p>No run yet</p>
            )}
          </article>
          <article class="card" aria-labelledby="card-totals">
            <h3 id="card-totals">Data</h3>
            <dl>
              <dt>Symbols</dt>
              <dd>
                {formatNumber(s.data.activeSymbols)} active of {formatNumber(s.data.symbols)}
              </dd>
              <dt>Bars</dt>
              <dd>{formatCompact(s.data.bars)}</dd>
              <dt>Latest bar</dt>
              <dd>{formatInstant(s.data.latestBarAt)}</dd>
            </dl>
          </article>
          <article class="card" aria-labelledby="card-requests">
            <h3 id="card-requests">Requests</h3>
            <ErrorMessage error={metrics.error} context="Metrics" />
            {m ? (
              <dl>
                <dt>Rate</dt>
                <dd>
                  {m.ratePerSecond === null
                    ? 'measuring…'
                    : `${m.ratePerSecond.toFixed(m.ratePerSecond < 10 ? 2 : 0)} / s`}
                </dd>
                <dt>p95 latency</dt>
                <dd>{formatMs(m.metrics.requests.p95Ms)}</dd>
                <dt>Errors (5xx)</dt>
                <dd>{formatNumber(m.metrics.requests.errors)}</dd>
                <dt>Cache hit rate</dt>
                <dd>
                  {m.metrics.cache.hitRate === null
                    ? '—'
                    : `${(m.metrics.cache.hitRate * 100).toFixed(0)} %`}
                </dd>
              </dl>
            ) : (
              !metrics.error && <p aria-busy="true">Loading…</p>
            )}
          </article>
        </div>
      )}
    </section>
  );
}

export function runClass(status: string): string {
  if (status === 'succeeded') return 'good';
  if (status === 'running' || status === 'queued' || status === 'partial') return 'warn';
  return 'bad';
}

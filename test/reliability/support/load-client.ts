import http from 'node:http';

export interface Outcome {
  /** ms since the load started. */
  sentAt: number;
  doneAt: number;
  status?: number;
  /** Network error code (ECONNREFUSED, ECONNRESET...) when no response came. */
  error?: string;
}

/** One GET; resolves with the status or the network error, never rejects. */
export function get(
  url: string,
  agent: http.Agent | false,
  started = 0,
  timeoutMs = 15_000,
): Promise<Outcome> {
  const sentAt = performance.now() - started;
  return new Promise((resolve) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.once('end', () =>
        resolve({ sentAt, doneAt: performance.now() - started, status: res.statusCode }),
      );
      res.once('error', (error: NodeJS.ErrnoException) =>
        resolve({ sentAt, doneAt: performance.now() - started, error: error.code ?? 'error' }),
      );
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    req.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ sentAt, doneAt: performance.now() - started, error: error.code ?? error.message }),
    );
  });
}

/**
 * Sends GETs at a fixed rate (open loop: a slow answer does not delay the next request) for
 * `durationMs` or until `stop()` is called; `pick(i)` chooses each URL.
 */
export function constantRate(options: {
  ratePerSecond: number;
  durationMs: number;
  pick: (i: number) => string;
  agent: http.Agent | false;
}): { done: Promise<Outcome[]>; stop(): void; started: number } {
  const started = performance.now();
  const outcomes: Promise<Outcome>[] = [];
  const interval = 1000 / options.ratePerSecond;
  let stopped = false;
  let i = 0;
  const done = new Promise<Outcome[]>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - started;
      while (!stopped && i * interval <= elapsed && elapsed < options.durationMs) {
        outcomes.push(get(options.pick(i), options.agent, started));
        i += 1;
      }
      if (stopped || elapsed >= options.durationMs) {
        void Promise.all(outcomes).then(resolve);
        return;
      }
      setTimeout(tick, Math.max(1, Math.min(interval, 5)));
    };
    tick();
  });
  return { done, stop: () => (stopped = true), started };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

import { inspect } from 'node:util';

import { BarsRequest } from '../../../src/backfill/providers/market-data-provider';
import { FakeClock } from '../../../src/backfill/providers/polygon/fake-clock';
import { RequestBudget } from '../../../src/backfill/providers/polygon/request-budget';
import { UpstreamError } from '../../../src/backfill/providers/upstream.error';
import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import {
  collectPages,
  polygonAgainst,
  RecordingSleeper,
} from '../../fake-polygon/polygon-under-test';

const JAN_WEEK: BarsRequest = {
  symbol: 'AAPL',
  timeframe: '1m',
  assetClass: 'stocks',
  from: new Date('2024-01-02T00:00:00Z'),
  to: new Date('2024-01-05T00:00:00Z'),
};

describe('Polygon provider fault handling', () => {
  let fake: FakePolygon;

  beforeEach(async () => {
    fake = await startFakePolygon({ pageSize: 500 });
  });
  afterEach(() => fake.close());

  const recoverable: [string, Parameters<FakePolygon['setFault']>[0]['fault']][] = [
    ['429 without Retry-After', { kind: 'status', status: 429 }],
    ['429 with Retry-After', { kind: 'status', status: 429, retryAfter: '2' }],
    ['500', { kind: 'status', status: 500 }],
    ['502 with an HTML body', { kind: 'html502' }],
    ['a connection reset', { kind: 'reset' }],
    ['a hung request', { kind: 'hang' }],
    ['malformed JSON', { kind: 'malformed' }],
    ['a body of the wrong shape', { kind: 'bad-shape' }],
  ];

  it.each(recoverable)('recovers from %s on a later page by retrying', async (_name, fault) => {
    const { provider, logs } = polygonAgainst(fake, { pageLimit: 500, timeoutMs: 300 });
    fake.setFault({ fault, pagesOnly: true, times: 2 });
    const { pages, error } = await collectPages(provider.getBars(JAN_WEEK));
    expect(error).toBeNull();
    expect(pages.flat()).toEqual(fake.expectedBars('AAPL', '1m', '2024-01-02', '2024-01-05'));
    expect(fake.requests).toHaveLength(4 + 2);
    expect(logs.filter((line) => line.includes('retrying'))).toHaveLength(2);
  });

  const fatal: [string, Parameters<FakePolygon['setFault']>[0]['fault'], string, number | null][] =
    [
      ['persistent 429', { kind: 'status', status: 429 }, 'rate-limited', 429],
      ['persistent 503', { kind: 'status', status: 503 }, 'server-error', 503],
      ['persistent 502 HTML', { kind: 'html502' }, 'server-error', 502],
      ['persistent resets', { kind: 'reset' }, 'network', null],
      ['persistent hangs', { kind: 'hang' }, 'timeout', null],
      ['persistent malformed JSON', { kind: 'malformed' }, 'malformed', 200],
    ];

  it.each(fatal)(
    'gives up on %s after the retries with a typed error, never yielding the bad page',
    async (_name, fault, code, status) => {
      const { provider } = polygonAgainst(fake, { pageLimit: 500, timeoutMs: 300 });
      fake.setFault({ fault, pagesOnly: true });
      const { pages, error } = await collectPages(provider.getBars(JAN_WEEK));
      expect(pages).toHaveLength(1);
      expect(pages[0]).toEqual(
        fake.expectedBars('AAPL', '1m', '2024-01-02', '2024-01-05').slice(0, 500),
      );
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ code, status, retryable: true });
      expect(fake.requests).toHaveLength(1 + 4);
    },
  );

  it('never sends more than the budget allows in any window, retries included', async () => {
    const clock = new FakeClock(0);
    const budget = new RequestBudget(3, 60_000, clock);
    const stamps: number[] = [];
    const acquire = budget.acquire.bind(budget);
    budget.acquire = async (signal) => {
      await acquire(signal);
      stamps.push(clock.now());
    };
    const { provider } = polygonAgainst(fake, { budget, pageLimit: 250 });
    fake.setFault({ fault: { kind: 'status', status: 500 }, pagesOnly: true, times: 1 });
    const { pages, error } = await collectPages(provider.getBars(JAN_WEEK));
    expect(error).toBeNull();
    expect(pages.flat()).toHaveLength(4 * 390);
    // 7 pages plus one retried attempt, each counted.
    expect(fake.requests).toHaveLength(8);
    expect(stamps).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000, 120_000]);
    for (let i = 0; i + 3 < stamps.length; i += 1) {
      expect(stamps[i + 3] - stamps[i]).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('reports every attempt, retry and breaker change to the metrics hooks', async () => {
    const events: string[] = [];
    const { provider } = polygonAgainst(fake, {
      pageLimit: 500,
      metrics: {
        attempt: (outcome) => events.push(outcome),
        retry: () => events.push('retry'),
        breaker: (state, family) => events.push(`breaker:${state}:${family}`),
      },
    });
    fake.setFault({ fault: { kind: 'status', status: 429 }, pagesOnly: true, times: 1 });
    fake.setFault({ fault: { kind: 'bad-shape' }, pagesOnly: true, times: 1 });
    fake.setFault({ fault: { kind: 'reset' }, pagesOnly: true, times: 1 });
    await collectPages(provider.getBars(JAN_WEEK));
    expect(events).toEqual([
      'breaker:closed:aggregates',
      'breaker:closed:reference',
      'ok',
      'rate_limited',
      'retry',
      'invalid',
      'retry',
      'network_error',
      'retry',
      'ok',
      'ok',
      'ok',
    ]);
  });

  it('does not follow redirects (the key must not travel to another location)', async () => {
    const { provider } = polygonAgainst(fake);
    fake.setFault({
      fault: { kind: 'status', status: 302, location: `${fake.url}/elsewhere` },
      times: 1,
    });
    const { error } = await collectPages(provider.getBars(JAN_WEEK));
    expect(error).toMatchObject({ code: 'client-error', status: 302, retryable: false });
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/v2/aggs/ticker/AAPL/range/1/minute/2024-01-02/2024-01-05',
    ]);
  });

  it('does not retry a 404 or other client errors', async () => {
    const { provider } = polygonAgainst(fake);
    fake.setFault({ fault: { kind: 'status', status: 404 } });
    const { error } = await collectPages(provider.getBars(JAN_WEEK));
    expect(error).toMatchObject({ code: 'not-found', retryable: false, status: 404 });
    expect(fake.requests).toHaveLength(1);
  });

  it('waits as long as Retry-After asks, up to the cap', async () => {
    const sleeper = new RecordingSleeper();
    const { provider } = polygonAgainst(fake, {
      clock: sleeper,
      retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20, retryAfterCapMs: 60_000 },
    });
    fake.setFault({ fault: { kind: 'status', status: 429, retryAfter: '7' }, times: 1 });
    fake.setFault({ fault: { kind: 'status', status: 429, retryAfter: '3600' }, times: 1 });
    fake.setFault({ fault: { kind: 'status', status: 429 }, times: 1 });
    const { error } = await collectPages(provider.getBars(JAN_WEEK));
    expect(error).toBeNull();
    expect(sleeper.sleeps).toHaveLength(3);
    expect(sleeper.sleeps[0]).toBe(7_000);
    expect(sleeper.sleeps[1]).toBe(60_000);
    expect(sleeper.sleeps[2]).toBeLessThanOrEqual(20);
  });

  it('stops a hung call when the caller aborts', async () => {
    const { provider } = polygonAgainst(fake, { timeoutMs: 60_000 });
    fake.setFault({ fault: { kind: 'hang' } });
    const controller = new AbortController();
    const pending = collectPages(provider.getBars({ ...JAN_WEEK, signal: controller.signal }));
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    const { error } = await pending;
    expect(error).toMatchObject({ code: 'aborted', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('opens the breaker after consecutive failed calls and half-opens after the cool-down', async () => {
    const { provider, client } = polygonAgainst(fake, {
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1, retryAfterCapMs: 1 },
      breakerFailureThreshold: 3,
      breakerResetMs: 300,
    });
    fake.setFault({ fault: { kind: 'status', status: 500 } });
    for (let i = 0; i < 3; i += 1) {
      const { error } = await collectPages(provider.getBars(JAN_WEEK));
      expect(error).toMatchObject({ code: 'server-error' });
    }
    expect(client.breakerState()).toBe('open');
    const sent = fake.requests.length;
    const { error: fast } = await collectPages(provider.getBars(JAN_WEEK));
    expect(fast).toMatchObject({ code: 'circuit-open', retryable: true });
    expect(fake.requests.length).toBe(sent);

    // The trial call after the cool-down fails: open again.
    await new Promise((r) => setTimeout(r, 400));
    expect(client.breakerState()).toBe('half-open');
    await collectPages(provider.getBars(JAN_WEEK));
    expect(client.breakerState()).toBe('open');

    // The next trial succeeds: closed, and calls flow again.
    fake.clearFaults();
    await new Promise((r) => setTimeout(r, 400));
    const { pages, error } = await collectPages(provider.getBars(JAN_WEEK));
    expect(error).toBeNull();
    expect(pages.flat()).toHaveLength(4 * 390);
    expect(client.breakerState()).toBe('closed');
  });

  it('does not count a bad key or unknown resource towards opening the breaker', async () => {
    const { provider, client } = polygonAgainst(fake, { breakerFailureThreshold: 2 });
    fake.setFault({ fault: { kind: 'status', status: 404 } });
    for (let i = 0; i < 4; i += 1) await collectPages(provider.getBars(JAN_WEEK));
    expect(client.breakerState()).toBe('closed');
  });

  it('keeps the key out of every error, log line and serialised error', async () => {
    const { provider, logs } = polygonAgainst(fake, { pageLimit: 500, timeoutMs: 300 });
    const errors: unknown[] = [];
    const faults: Parameters<FakePolygon['setFault']>[0]['fault'][] = [
      { kind: 'status', status: 500 },
      { kind: 'html502' },
      { kind: 'reset' },
      { kind: 'hang' },
      { kind: 'malformed' },
      { kind: 'status', status: 400 },
    ];
    for (const fault of faults) {
      fake.clearFaults();
      fake.setFault({ fault, pagesOnly: true });
      errors.push((await collectPages(provider.getBars(JAN_WEEK))).error);
    }
    const { error: unauthorized } = await collectPages(
      polygonAgainst(fake, { apiKey: `${fake.key}x` }).provider.getBars(JAN_WEEK),
    );
    errors.push(unauthorized);
    expect(errors.every((e) => e instanceof UpstreamError)).toBe(true);
    const everything = [
      ...logs,
      ...errors.map(
        (e) =>
          `${(e as Error).message} ${(e as Error).stack} ${inspect(e, { depth: 8 })} ${JSON.stringify(e)}`,
      ),
    ].join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(everything).not.toContain(fake.key);
    expect(everything).toContain('/v2/aggs/ticker/AAPL/range/1/minute');
  });
});

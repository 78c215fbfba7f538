import { createApiKey } from '../../factories/api-keys';
import { insertSymbols } from '../../factories/symbols';
import { FakeFault, FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../../fake-polygon/fake-polygon-env';
import { startTestApp, TestApp } from '../../support/test-app';
import { backfill, storedBars } from './backfill-helpers';

const FROM = '2024-01-02';
const TO = '2024-02-29';

/** Upstream faults that a retry gets past: the run must still store exactly the upstream bars. */
const TRANSIENT: [string, FakeFault][] = [
  ['429 with Retry-After', { kind: 'status', status: 429, retryAfter: '1' }],
  ['429 without Retry-After', { kind: 'status', status: 429 }],
  ['500', { kind: 'status', status: 500 }],
  ['502 with an HTML body', { kind: 'html502' }],
  ['a connection reset', { kind: 'reset' }],
  ['a malformed JSON body', { kind: 'malformed' }],
  ['a body that is not the documented shape', { kind: 'bad-shape' }],
  ['a request that hangs past the per-attempt timeout', { kind: 'hang' }],
];

describe('backfill through upstream faults', () => {
  let fake: FakePolygon;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    // Small pages, so a fault can strike in the middle of a pagination.
    fake = await startFakePolygon({ pageSize: 15 });
    t = await startTestApp({
      env: {
        ...fakePolygonEnv(fake),
        // Short timeouts and back-off keep the fault tests quick; the policy is the same.
        POLYGON_TIMEOUT_MS: '1500',
        POLYGON_MAX_RETRIES: '3',
        POLYGON_RETRY_BASE_MS: '100',
      },
    });
    admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
    await insertSymbols(
      t.dataSource,
      ['T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'OK1', 'BAD', 'OK2', 'DOWN', 'EMPTY'].map(
        (symbol) => ({
          symbol,
          timeframes: ['1d' as const],
        }),
      ),
    );
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  afterEach(() => fake.clearFaults());

  it.each(TRANSIENT.map(([name, fault], i) => [name, fault, `T${i}`] as const))(
    'completes the run through %s mid-pagination',
    async (_name, fault, symbol) => {
      fake.setFault({ fault, ticker: symbol, pagesOnly: true, times: 1 });
      const run = await backfill(t.url, admin, { symbols: [symbol], from: FROM, to: TO });
      expect(run.status).toBe('succeeded');
      expect(await storedBars(t.dataSource, symbol, '1d')).toEqual(
        fake.expectedBars(symbol, '1d', FROM, TO),
      );
      const faulted = fake
        .aggregateRequests(symbol)
        .filter((r) => r.outcome !== 200 || r.query.cursor !== undefined);
      expect(faulted.length).toBeGreaterThan(1);
    },
  );

  it('fails only the series whose upstream keeps refusing, with a clear error', async () => {
    fake.setFault({ fault: { kind: 'status', status: 403 }, ticker: 'BAD', path: /aggs/ });
    const run = await backfill(t.url, admin, {
      symbols: ['OK1', 'BAD', 'OK2'],
      from: FROM,
      to: TO,
    });
    expect(run.status).toBe('partial');
    expect(run.error).toContain('1 of 3 series failed');
    const bad = run.series.find((s) => s.symbol === 'BAD')!;
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/403/);
    expect(bad.error).not.toContain(fake.key);
    for (const symbol of ['OK1', 'OK2']) {
      expect(run.series.find((s) => s.symbol === symbol)?.status).toBe('succeeded');
      expect(await storedBars(t.dataSource, symbol, '1d')).toEqual(
        fake.expectedBars(symbol, '1d', FROM, TO),
      );
    }
    expect(await storedBars(t.dataSource, 'BAD', '1d')).toEqual([]);
  });

  it('fails a series whose upstream keeps answering 500 once retries run out', async () => {
    fake.setFault({ fault: { kind: 'status', status: 500 }, ticker: 'DOWN', path: /aggs/ });
    const run = await backfill(t.url, admin, { symbols: ['DOWN', 'OK1'], from: FROM, to: TO });
    expect(run.status).toBe('partial');
    const down = run.series.find((s) => s.symbol === 'DOWN')!;
    expect(down).toMatchObject({ status: 'failed', barsWritten: 0 });
    expect(down.error).toMatch(/500/);
    expect(fake.aggregateRequests('DOWN').length).toBe(4); // the first attempt and 3 retries
    expect(run.series.find((s) => s.symbol === 'OK1')?.status).toBe('succeeded');
  });

  it('does not advance the watermark when upstream answers OK with no bars', async () => {
    fake.setFault({ fault: { kind: 'empty' }, ticker: 'EMPTY', path: /aggs/ });
    const run = await backfill(t.url, admin, { symbols: ['EMPTY'], from: FROM, to: TO });
    expect(run.status).toBe('succeeded');
    expect(run.barsFetched).toBe(0);
    const watermarks = await t.dataSource.query(
      `SELECT * FROM series_watermarks WHERE symbol = 'EMPTY'`,
    );
    expect(watermarks).toEqual([]);

    // Once upstream has the data, the next incremental run picks the whole window up.
    fake.clearFaults();
    const retry = await backfill(t.url, admin, { symbols: ['EMPTY'], from: FROM, to: TO });
    expect(retry.barsWritten).toBe(fake.expectedBars('EMPTY', '1d', FROM, TO).length);
  });
});

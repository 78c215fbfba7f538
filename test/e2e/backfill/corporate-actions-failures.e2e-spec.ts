import { PolygonProvider } from '../../../src/backfill/providers/polygon/polygon.provider';
import { createApiKey } from '../../factories/api-keys';
import { insertSymbols } from '../../factories/symbols';
import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../../fake-polygon/fake-polygon-env';
import { startTestApp, TestApp } from '../../support/test-app';
import { backfill, storedBars } from './backfill-helpers';

const FROM = '2024-01-02';
const TO = '2024-01-31';
const SYMBOLS = ['CA1', 'CA2', 'CA3', 'CA4', 'CA5', 'CA6'];

/**
 * Corporate actions never cost bars: a splits or dividends request that keeps failing is retried
 * like any other call, then becomes a warning on the stock's series; the bars are stored, the
 * series succeeds, and the failures do not open the breaker that guards the aggregates.
 */
describe('backfill when the corporate-actions endpoints fail', () => {
  let fake: FakePolygon;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    fake = await startFakePolygon();
    t = await startTestApp({
      env: {
        ...fakePolygonEnv(fake),
        POLYGON_TIMEOUT_MS: '1500',
        POLYGON_MAX_RETRIES: '2',
        POLYGON_RETRY_BASE_MS: '10',
      },
    });
    admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
    await insertSymbols(
      t.dataSource,
      [...SYMBOLS, 'AUTH'].map((symbol) => ({ symbol, timeframes: ['1d' as const] })),
    );
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  afterEach(() => fake.clearFaults());

  it('stores the bars when the key may not read dividends (403), without retrying that', async () => {
    fake.setFault({ fault: { kind: 'status', status: 403 }, path: /dividends/ });
    const before = fake.requests.length;
    const run = await backfill(t.url, admin, { symbols: ['AUTH'], from: FROM, to: TO });
    expect(run.status).toBe('succeeded');
    expect(await storedBars(t.dataSource, 'AUTH', '1d')).toEqual(
      fake.expectedBars('AUTH', '1d', FROM, TO),
    );
    const warnings = run.series[0].warnings;
    expect(warnings).toContainEqual(
      expect.stringMatching(/^dividends not refreshed: Polygon rejected the API key: HTTP 403/),
    );
    const dividendCalls = fake.requests.slice(before).filter((r) => r.path.includes('dividends'));
    expect(dividendCalls).toHaveLength(1);
  });

  it('stores the bars of every stock while the corporate-actions endpoints answer 500, and warns', async () => {
    fake.setFault({ fault: { kind: 'status', status: 500 }, path: /^\/stocks\/v1\// });
    const run = await backfill(t.url, admin, { symbols: SYMBOLS, from: FROM, to: TO });

    expect(run.status).toBe('succeeded');
    for (const symbol of SYMBOLS) {
      const expected = fake.expectedBars(symbol, '1d', FROM, TO);
      expect(expected.length).toBe(21);
      expect(await storedBars(t.dataSource, symbol, '1d')).toEqual(expected);
    }
    expect(run.series.map((s) => s.status)).toEqual(SYMBOLS.map(() => 'succeeded'));
    expect(run.series.map((s) => s.warnings)).toEqual(
      SYMBOLS.map(() => [
        expect.stringMatching(/^splits not refreshed: Polygon/),
        expect.stringMatching(/^dividends not refreshed: Polygon/),
      ]),
    );
    expect(run.warnings).toBe(2 * SYMBOLS.length);
    // Five failed calls opened the breaker of the reference endpoints (later stocks' calls
    // failed fast), not the one of the aggregates.
    expect(run.series.at(-1)?.warnings[0]).toContain('circuit breaker (reference) is open');
    expect(t.app.get(PolygonProvider).health().breakers).toEqual({
      aggregates: 'closed',
      reference: 'open',
    });
  });
});

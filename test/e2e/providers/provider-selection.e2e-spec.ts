import { DemoProvider } from '../../../src/backfill/providers/demo/demo.provider';
import {
  MARKET_DATA_PROVIDER,
  MarketDataProvider,
} from '../../../src/backfill/providers/market-data-provider';
import { PolygonProvider } from '../../../src/backfill/providers/polygon/polygon.provider';
import { startTestApp } from '../../support/test-app';

describe('market-data provider selection', () => {
  it('uses the demo (synthetic) source when no Polygon key is configured', async () => {
    const t = await startTestApp();
    try {
      const provider = t.app.get<MarketDataProvider>(MARKET_DATA_PROVIDER, { strict: false });
      expect(provider).toBeInstanceOf(DemoProvider);
      expect(provider.name).toBe('synthetic');
    } finally {
      await t.close();
    }
  });

  it('uses Polygon, with the configured budget, when a key is set', async () => {
    const t = await startTestApp({
      env: {
        POLYGON_API_KEY: 'test-key-not-real',
        POLYGON_BASE_URL: 'http://127.0.0.1:9',
        POLYGON_REQUESTS_PER_MINUTE: '7',
        POLYGON_TIMEOUT_MS: '250',
        POLYGON_MAX_RETRIES: '0',
      },
    });
    try {
      const provider = t.app.get<MarketDataProvider>(MARKET_DATA_PROVIDER, { strict: false });
      expect(provider).toBeInstanceOf(PolygonProvider);
      expect(provider.name).toBe('polygon');
      expect((provider as PolygonProvider).health()).toMatchObject({
        breaker: 'closed',
        attempts: 0,
        budget: { limit: 7, usedInWindow: 0 },
      });
      // Port 9 refuses connections: with no retries configured it fails after one attempt.
      const error = await (async () => {
        for await (const _ of provider.getBars({
          symbol: 'AAPL',
          timeframe: '1d',
          assetClass: 'stocks',
          from: new Date('2024-01-02'),
          to: new Date('2024-01-03'),
        })) {
          // nothing is expected
        }
      })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'network', retryable: true });
      expect((provider as PolygonProvider).health()).toMatchObject({ attempts: 1, retries: 0 });
    } finally {
      await t.close();
    }
  });
});

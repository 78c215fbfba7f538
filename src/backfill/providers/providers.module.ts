import { Logger, Module } from '@nestjs/common';

import { AppConfig } from '../../config/app-config';
import {
  CIRCUIT_STATE,
  circuitBreakerState,
  upstreamRequests,
  upstreamRetries,
} from '../../metrics';
import { DemoProvider } from './demo/demo.provider';
import { MARKET_DATA_PROVIDER } from './market-data-provider';
import { PolygonProvider } from './polygon/polygon.provider';
import { PolygonClientMetrics, PolygonHttpClient } from './polygon/polygon-http.client';
import { RequestBudget } from './polygon/request-budget';

/** Polygon's attempts, retries and breaker states in the process-wide Prometheus registry. */
const polygonMetrics: PolygonClientMetrics = {
  attempt: (outcome) => upstreamRequests.inc({ provider: 'polygon', outcome }),
  retry: () => upstreamRetries.inc({ provider: 'polygon' }),
  breaker: (state, family) =>
    circuitBreakerState.set(
      { provider: 'polygon', endpoint: family },
      state === 'open'
        ? CIRCUIT_STATE.open
        : state === 'half-open'
          ? CIRCUIT_STATE.halfOpen
          : CIRCUIT_STATE.closed,
    ),
};

/**
 * Market-data sources. MARKET_DATA_PROVIDER is Polygon when POLYGON_API_KEY is set, else the
 * demo (synthetic) source. The concrete providers are exported too (the demo seeder, tests and
 * metrics use them). Polygon's request budget is one per process, shared by every call.
 */
@Module({
  providers: [
    {
      provide: RequestBudget,
      useFactory: (config: AppConfig) => new RequestBudget(config.polygon.requestsPerMinute),
      inject: [AppConfig],
    },
    {
      provide: PolygonProvider,
      useFactory: (config: AppConfig, budget: RequestBudget) =>
        new PolygonProvider(
          new PolygonHttpClient({
            baseUrl: config.polygon.baseUrl,
            // Without a key this provider is never selected; constructing it costs no I/O.
            apiKey: config.polygon.apiKey ?? '',
            budget,
            timeoutMs: config.polygon.timeoutMs,
            retry: { retries: config.polygon.maxRetries, baseDelayMs: config.polygon.retryBaseMs },
            logger: new Logger('Polygon'),
            // Without a key the client is never used: publish no upstream series for it.
            metrics: config.polygon.apiKey ? polygonMetrics : undefined,
          }),
        ),
      inject: [AppConfig, RequestBudget],
    },
    { provide: DemoProvider, useFactory: () => new DemoProvider() },
    {
      provide: MARKET_DATA_PROVIDER,
      useFactory: (config: AppConfig, polygon: PolygonProvider, demo: DemoProvider) =>
        config.polygon.apiKey ? polygon : demo,
      inject: [AppConfig, PolygonProvider, DemoProvider],
    },
  ],
  exports: [MARKET_DATA_PROVIDER, PolygonProvider, DemoProvider, RequestBudget],
})
export class ProvidersModule {}

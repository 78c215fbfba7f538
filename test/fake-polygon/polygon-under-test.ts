import { ProviderBar } from '../../src/backfill/providers/market-data-provider';
import { Clock } from '../../src/backfill/providers/polygon/clock';
import { PolygonProvider } from '../../src/backfill/providers/polygon/polygon.provider';
import {
  PolygonClientOptions,
  PolygonHttpClient,
} from '../../src/backfill/providers/polygon/polygon-http.client';
import { RequestBudget } from '../../src/backfill/providers/polygon/request-budget';
import { FakePolygon } from './fake-polygon.server';

export interface PolygonUnderTest {
  provider: PolygonProvider;
  client: PolygonHttpClient;
  /** Every warn/debug line the client logged. */
  logs: string[];
}

/** A sleeper that records requested waits and returns at once (real time for everything else). */
export class RecordingSleeper implements Clock {
  readonly sleeps: number[] = [];
  now(): number {
    return Date.now();
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
  }
}

/**
 * The real Polygon provider pointed at a fake server, with test-sized knobs: short per-attempt
 * timeout, few fast retries, a small breaker threshold and cool-down, a generous budget.
 */
export function polygonAgainst(
  fake: FakePolygon,
  overrides: Partial<PolygonClientOptions> & { pageLimit?: number } = {},
): PolygonUnderTest {
  const logs: string[] = [];
  const { pageLimit, ...clientOverrides } = overrides;
  const client = new PolygonHttpClient({
    baseUrl: fake.url,
    apiKey: fake.key,
    budget: new RequestBudget(10_000, 60_000),
    timeoutMs: 1_000,
    retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20, retryAfterCapMs: 60_000 },
    breakerFailureThreshold: 3,
    breakerResetMs: 300,
    clock: new RecordingSleeper(),
    logger: { warn: (line) => logs.push(line), debug: (line) => logs.push(line) },
    ...clientOverrides,
  });
  return { provider: new PolygonProvider(client, pageLimit ?? 50_000), client, logs };
}

/** Drains getBars (or the client's pages), keeping the pages yielded before any error. */
export async function collectPages<T = ProviderBar[]>(
  iterable: AsyncIterable<T>,
): Promise<{ pages: T[]; error: unknown }> {
  const pages: T[] = [];
  try {
    for await (const page of iterable) pages.push(page);
    return { pages, error: null };
  } catch (error) {
    return { pages, error };
  }
}

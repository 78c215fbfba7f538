import axios, { AxiosError, AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import axiosRetry from 'axios-retry';
import CircuitBreaker from 'opossum';

import { UpstreamError } from '../upstream.error';
import { Clock, systemClock } from './clock';
import { PolygonPage, ShapeCheck } from './polygon-response';
import { RequestBudget } from './request-budget';
import {
  DEFAULT_RETRY_OPTIONS,
  isRetryableFailure,
  MALFORMED_BODY,
  parseRetryAfterMs,
  retryDelayMs,
  RetryOptions,
} from './retry-policy';
import { describeUrl, scrubSecrets } from './scrub';
import { AttemptOutcome, attemptOutcome, toUpstreamError } from './upstream-error.mapper';

export type { AttemptOutcome };

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Endpoints whose health is judged apart: each family has its own circuit breaker, so a reference
 * endpoint that keeps failing (splits answering 500) fails fast on its own and never stops the
 * aggregates, which the bars depend on.
 */
export const ENDPOINT_FAMILIES = ['aggregates', 'reference'] as const;
export type EndpointFamily = (typeof ENDPOINT_FAMILIES)[number];

/** The family of an upstream URL: `/v2/aggs/...` is aggregates, everything else reference. */
export function endpointFamilyOf(url: string): EndpointFamily {
  return new URL(url).pathname.startsWith('/v2/aggs/') ? 'aggregates' : 'reference';
}

type Breaker = CircuitBreaker<[string, ShapeCheck<unknown>, AbortSignal?], unknown>;

export interface PolygonClientLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

/** Hooks for metrics, so this client does not depend on a metrics registry. */
export interface PolygonClientMetrics {
  attempt(outcome: AttemptOutcome): void;
  retry(): void;
  breaker(state: BreakerState, family: EndpointFamily): void;
}

export interface PolygonClientOptions {
  baseUrl: string;
  apiKey: string;
  /** The shared request budget (POLYGON_REQUESTS_PER_MINUTE per 60 s). */
  budget: RequestBudget;
  /** Per attempt; each retry gets a fresh one. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** A family's breaker opens after this many consecutive failed calls (each after retries)… */
  breakerFailureThreshold?: number;
  /** …and lets one trial call through after this cool-down. */
  breakerResetMs?: number;
  clock?: Clock;
  random?: () => number;
  logger?: PolygonClientLogger;
  metrics?: PolygonClientMetrics;
}

interface CheckedConfig extends InternalAxiosRequestConfig {
  shapeCheck?: ShapeCheck<unknown>;
}

/**
 * Polygon's HTTP client: the one place that talks to the upstream. Per attempt: wait for the
 * request budget, send with a fresh timeout and no redirects, check the body's shape. Failed
 * attempts that may succeed later are retried by axios-retry with jittered exponential back-off
 * (Retry-After honoured, capped); a circuit breaker (opossum) per endpoint family around the whole
 * call stops hammering an endpoint that keeps failing, without stopping the other family. The API key is added to every request here and nowhere else, and
 * every message leaving this class is scrubbed of it.
 */
export class PolygonHttpClient {
  private readonly http: AxiosInstance;
  private readonly breakers: Record<EndpointFamily, Breaker>;
  private readonly retry: RetryOptions;
  private readonly clock: Clock;
  private readonly origin: string;
  private attemptCount = 0;
  private retryCount = 0;

  constructor(private readonly options: PolygonClientOptions) {
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.origin = new URL(options.baseUrl).origin;
    this.http = axios.create({
      timeout: options.timeoutMs ?? 30_000,
      maxRedirects: 0,
      responseType: 'json',
      maxContentLength: 256 * 1024 * 1024,
      headers: { Accept: 'application/json', 'User-Agent': 'market-data-warehouse' },
      // Only 2xx is success; a 3xx is not followed and fails like a 4xx.
      validateStatus: (status) => status >= 200 && status < 300,
    });
    // Request interceptors run last-registered-first: the budget is awaited right before sending,
    // for the first attempt and for every retry axios-retry re-issues.
    this.http.interceptors.request.use(async (config) => {
      await this.options.budget.acquire(config.signal as AbortSignal | undefined);
      this.attemptCount += 1;
      return config;
    });
    // Response interceptors run in order: the shape check comes before axios-retry sees the
    // result, so a malformed 200 is retried like a 5xx.
    this.http.interceptors.response.use(
      (response) => {
        const check = (response.config as CheckedConfig).shapeCheck;
        if (!check) return response;
        const page = check(response.data);
        if (typeof page === 'string') {
          this.options.metrics?.attempt('invalid');
          throw new AxiosError(page, MALFORMED_BODY, response.config, response.request, response);
        }
        this.options.metrics?.attempt('ok');
        response.data = page;
        return response;
      },
      (error: unknown) => {
        if (error instanceof AxiosError && error.code !== AxiosError.ERR_CANCELED) {
          this.options.metrics?.attempt(attemptOutcome(error));
        }
        throw error;
      },
    );
    axiosRetry(this.http, {
      retries: this.retry.retries,
      shouldResetTimeout: true,
      retryCondition: (error) => isRetryableFailure(error),
      // The wait happens in onRetry through the injectable clock; axios-retry's own timer is 0.
      retryDelay: () => 0,
      onRetry: async (attempt, error, config) => {
        this.retryCount += 1;
        this.options.metrics?.retry();
        const retryAfter = parseRetryAfterMs(
          error.response?.headers?.['retry-after'],
          this.clock.now(),
        );
        const delay = retryDelayMs(attempt, retryAfter, this.retry, this.options.random);
        this.options.logger?.warn(
          `Polygon ${describeUrl(config.url ?? '')} attempt ${attempt} failed ` +
            `(${this.safe(describeFailure(error))}); retrying in ${delay} ms`,
        );
        await this.clock.sleep(delay, config.signal as AbortSignal | undefined);
      },
    });
    this.breakers = {
      aggregates: this.createBreaker('aggregates'),
      reference: this.createBreaker('reference'),
    };
  }

  private createBreaker(family: EndpointFamily): Breaker {
    const options = this.options;
    const breaker: Breaker = new CircuitBreaker(
      (url: string, check: ShapeCheck<unknown>, signal?: AbortSignal) =>
        this.send(url, check, signal),
      {
        // Timeouts are per attempt inside the call; a call may legitimately wait for the budget.
        timeout: false,
        resetTimeout: options.breakerResetMs ?? 30_000,
        // Opening is decided by consecutive failures below, not by opossum's error percentage.
        errorThresholdPercentage: 100,
        // Errors that say nothing about upstream health (bad key, unknown ticker, our own abort)
        // neither open the breaker nor count as failures.
        errorFilter: (error: unknown) => error instanceof UpstreamError && !error.retryable,
      },
    );
    let consecutiveFailures = 0;
    breaker.on('success', () => {
      consecutiveFailures = 0;
    });
    breaker.on('failure', () => {
      consecutiveFailures += 1;
      if (consecutiveFailures >= (options.breakerFailureThreshold ?? 5)) breaker.open();
    });
    options.metrics?.breaker('closed', family);
    breaker.on('close', () => options.metrics?.breaker('closed', family));
    breaker.on('open', () => {
      options.metrics?.breaker('open', family);
      options.logger?.warn(`Polygon circuit breaker (${family}) opened`);
    });
    breaker.on('halfOpen', () => {
      options.metrics?.breaker('half-open', family);
      options.logger?.warn(`Polygon circuit breaker (${family}) half-open: trying one call`);
    });
    return breaker;
  }

  /** One page, checked, with the key added and retries/breaker/budget applied. */
  async getPage<T>(
    url: string,
    check: ShapeCheck<T>,
    signal?: AbortSignal,
  ): Promise<PolygonPage<T>> {
    const family = endpointFamilyOf(url);
    try {
      return (await this.breakers[family].fire(url, check, signal)) as PolygonPage<T>;
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER') {
        throw new UpstreamError(
          'circuit-open',
          `Polygon circuit breaker (${family}) is open after ` +
            `${this.options.breakerFailureThreshold ?? 5} consecutive failed calls; calls resume ` +
            'after the cool-down',
          true,
        );
      }
      throw error;
    }
  }

  /** Every page from `firstUrl`, following `next_url` (same origin only) until it is absent. */
  async *pages<T>(
    firstUrl: string,
    check: ShapeCheck<T>,
    signal?: AbortSignal,
  ): AsyncGenerator<PolygonPage<T>> {
    let url: string | null = firstUrl;
    let previous: string | null = null;
    while (url) {
      const page: PolygonPage<T> = await this.getPage(url, check, signal);
      yield page;
      previous = url;
      url = page.nextUrl ? this.followable(page.nextUrl) : null;
      if (url !== null && url === previous) {
        throw new UpstreamError(
          'malformed',
          'Polygon returned a next_url pointing to itself',
          false,
        );
      }
    }
  }

  url(path: string, query: Record<string, string | number>): string {
    const url = new URL(path, this.options.baseUrl);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
    return url.toString();
  }

  breakerState(family: EndpointFamily = 'aggregates'): BreakerState {
    const breaker = this.breakers[family];
    if (breaker.opened) return 'open';
    if (breaker.halfOpen) return 'half-open';
    return 'closed';
  }

  stats(): {
    attempts: number;
    retries: number;
    /** The aggregates' breaker: the one the bars depend on. */
    breaker: BreakerState;
    breakers: Record<EndpointFamily, BreakerState>;
    budget: { limit: number; usedInWindow: number; waiting: number };
  } {
    const budget = this.options.budget;
    return {
      attempts: this.attemptCount,
      retries: this.retryCount,
      breaker: this.breakerState('aggregates'),
      breakers: {
        aggregates: this.breakerState('aggregates'),
        reference: this.breakerState('reference'),
      },
      budget: {
        limit: budget.limit,
        usedInWindow: budget.usedInWindow(),
        waiting: budget.waiting(),
      },
    };
  }

  shutdown(): void {
    for (const family of ENDPOINT_FAMILIES) this.breakers[family].shutdown();
  }

  private async send(
    url: string,
    check: ShapeCheck<unknown>,
    signal?: AbortSignal,
  ): Promise<unknown> {
    try {
      const config = {
        params: { apiKey: this.options.apiKey },
        signal,
        shapeCheck: check,
      } as unknown as InternalAxiosRequestConfig;
      const response = await this.http.get(url, config);
      return response.data;
    } catch (error) {
      throw toUpstreamError(error, url, signal, this.options.apiKey);
    }
  }

  /**
   * Polygon's next_url omits the key; it is added by send(). The key is only ever sent to the
   * configured origin: a next_url naming another host is rebased onto ours.
   */
  private followable(nextUrl: string): string {
    const next = new URL(nextUrl, this.options.baseUrl);
    next.searchParams.delete('apiKey');
    if (next.origin === this.origin) return next.toString();
    return new URL(`${next.pathname}${next.search}`, this.options.baseUrl).toString();
  }

  private safe(text: string): string {
    return scrubSecrets(text, this.options.apiKey);
  }
}

function describeFailure(error: AxiosError): string {
  if (error.response)
    return `HTTP ${error.response.status}${error.code === MALFORMED_BODY ? `: ${error.message}` : ''}`;
  return error.code ?? 'network error';
}

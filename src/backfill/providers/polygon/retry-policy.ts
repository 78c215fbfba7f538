import { AxiosError } from 'axios';

/** Explicit retry choices for upstream calls (see RetryPolicy in polygon-http.client.ts). */
export interface RetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** Back-off base: attempt n waits up to base × 2^(n-1), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this; longer asks are cut to it. */
  retryAfterCapMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  retries: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  retryAfterCapMs: 60_000,
};

/** Marks a 2xx response whose body is not the documented shape (retried like a 5xx). */
export const MALFORMED_BODY = 'EMALFORMEDBODY';

/**
 * Only failures that may go away by themselves are retried: network errors, timeouts, 429 and
 * 5xx, and bodies that did not parse as the documented shape. Other 4xx (a bad key, an unknown
 * ticker) would fail identically again. Cancellations are never retried.
 */
export function isRetryableFailure(error: AxiosError): boolean {
  if (error.code === AxiosError.ERR_CANCELED) return false;
  if (error.code === MALFORMED_BODY) return true;
  const status = error.response?.status;
  if (status !== undefined) return status === 429 || status >= 500;
  // No response: connection refused/reset, DNS, socket hang-up, per-attempt timeout.
  return error.code !== AxiosError.ERR_BAD_OPTION && error.code !== AxiosError.ERR_INVALID_URL;
}

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unparseable. */
export function parseRetryAfterMs(value: unknown, now: number): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Wait before retry number `attempt` (1-based): exponential back-off with full jitter (a uniform
 * draw in [0, base × 2^(attempt-1)], capped), so many clients recovering together do not retry
 * in lock-step; a Retry-After from the server wins when it asks for longer, up to the cap.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | null,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const backoff = Math.floor(random() * ceiling);
  if (retryAfterMs === null) return backoff;
  return Math.max(backoff, Math.min(retryAfterMs, options.retryAfterCapMs));
}

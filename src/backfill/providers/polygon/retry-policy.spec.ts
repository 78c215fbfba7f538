import { AxiosError, AxiosHeaders, AxiosResponse, InternalAxiosRequestConfig } from 'axios';

import {
  DEFAULT_RETRY_OPTIONS,
  isRetryableFailure,
  MALFORMED_BODY,
  parseRetryAfterMs,
  retryDelayMs,
} from './retry-policy';

function httpError(status: number): AxiosError {
  const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
  const response = { status, headers: {}, config, data: {} } as AxiosResponse;
  return new AxiosError(`HTTP ${status}`, 'ERR_BAD_RESPONSE', config, {}, response);
}

describe('retry policy', () => {
  it.each([429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(isRetryableFailure(httpError(status))).toBe(true);
  });

  it.each([400, 401, 403, 404, 301])('does not retry HTTP %i', (status) => {
    expect(isRetryableFailure(httpError(status))).toBe(false);
  });

  it('retries network errors, timeouts and malformed bodies, not cancellations', () => {
    expect(isRetryableFailure(new AxiosError('reset', 'ECONNRESET'))).toBe(true);
    expect(isRetryableFailure(new AxiosError('timeout', AxiosError.ECONNABORTED))).toBe(true);
    expect(isRetryableFailure(new AxiosError('bad', MALFORMED_BODY))).toBe(true);
    expect(isRetryableFailure(new AxiosError('canceled', AxiosError.ERR_CANCELED))).toBe(false);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2024-01-02T00:00:00Z');
    expect(parseRetryAfterMs('7', now)).toBe(7_000);
    expect(parseRetryAfterMs('Tue, 02 Jan 2024 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Mon, 01 Jan 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs(undefined, now)).toBeNull();
    expect(parseRetryAfterMs('soon', now)).toBeNull();
  });

  it('backs off exponentially with full jitter under a cap', () => {
    const options = { ...DEFAULT_RETRY_OPTIONS, baseDelayMs: 1_000, maxDelayMs: 8_000 };
    expect(retryDelayMs(1, null, options, () => 0.999)).toBe(999);
    expect(retryDelayMs(3, null, options, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(10, null, options, () => 0.999)).toBe(7_992);
    expect(retryDelayMs(3, null, options, () => 0)).toBe(0);
  });

  it('honours Retry-After when longer than the back-off, capped', () => {
    const options = { ...DEFAULT_RETRY_OPTIONS, baseDelayMs: 100, retryAfterCapMs: 60_000 };
    expect(retryDelayMs(1, 5_000, options, () => 0.5)).toBe(5_000);
    expect(retryDelayMs(1, 3_600_000, options, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(1, 0, options, () => 0.5)).toBe(50);
  });
});

import { AxiosError } from 'axios';

import { UpstreamError } from '../upstream.error';
import { MALFORMED_BODY } from './retry-policy';
import { describeUrl, scrubSecrets } from './scrub';

/**
 * Turns whatever an upstream call threw into an UpstreamError with a safe message. Axios errors
 * carry the request config (URL with the key, headers) and the socket: none of that may escape,
 * so only chosen fields are read and the original error is not kept as `cause`.
 */
export function toUpstreamError(
  error: unknown,
  url: string,
  signal: AbortSignal | undefined,
  apiKey: string,
): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const where = `GET ${describeUrl(url)}`;
  if (signal?.aborted || (error instanceof AxiosError && error.code === AxiosError.ERR_CANCELED)) {
    return new UpstreamError('aborted', `Polygon call aborted: ${where}`, false);
  }
  if (!(error instanceof AxiosError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new UpstreamError(
      'network',
      scrubSecrets(`Polygon call failed: ${where}: ${message}`, apiKey),
      true,
    );
  }
  const status = error.response?.status ?? null;
  if (error.code === MALFORMED_BODY) {
    return new UpstreamError(
      'malformed',
      scrubSecrets(`Polygon returned a malformed body for ${where}: ${error.message}`, apiKey),
      true,
      status,
    );
  }
  if (status !== null) {
    const upstreamMessage = errorField(error.response?.data);
    const suffix = upstreamMessage ? ` (${scrubSecrets(upstreamMessage, apiKey)})` : '';
    if (status === 401 || status === 403) {
      return new UpstreamError(
        'unauthorized',
        `Polygon rejected the API key: HTTP ${status} for ${where}${suffix}`,
        false,
        status,
      );
    }
    if (status === 404) {
      return new UpstreamError(
        'not-found',
        `Polygon has no such resource: HTTP 404 for ${where}${suffix}`,
        false,
        status,
      );
    }
    if (status === 429) {
      return new UpstreamError(
        'rate-limited',
        `Polygon rate limit still exceeded after retries: HTTP 429 for ${where}`,
        true,
        status,
      );
    }
    if (status >= 500) {
      return new UpstreamError(
        'server-error',
        `Polygon failed after retries: HTTP ${status} for ${where}`,
        true,
        status,
      );
    }
    return new UpstreamError(
      'client-error',
      `Polygon refused the request: HTTP ${status} for ${where}${suffix}`,
      false,
      status,
    );
  }
  if (error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT) {
    return new UpstreamError(
      'timeout',
      `Polygon did not answer in time after retries: ${where}`,
      true,
    );
  }
  return new UpstreamError(
    'network',
    `Polygon unreachable after retries: ${where} (${error.code ?? 'network error'})`,
    true,
  );
}

/** Polygon's error bodies carry `error` or `message`; keep a short, scrubbed excerpt. */
function errorField(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const value =
    (data as Record<string, unknown>).error ?? (data as Record<string, unknown>).message;
  return typeof value === 'string' ? value.slice(0, 200) : null;
}

/** How one attempt ended, for metrics (low-cardinality; never a URL or a key). */
export type AttemptOutcome =
  'ok' | 'rate_limited' | 'server_error' | 'timeout' | 'network_error' | 'invalid' | 'rejected';

export function attemptOutcome(error: AxiosError): AttemptOutcome {
  const status = error.response?.status;
  if (status === 429) return 'rate_limited';
  if (status !== undefined) return status >= 500 ? 'server_error' : 'rejected';
  if (error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT) {
    return 'timeout';
  }
  return 'network_error';
}

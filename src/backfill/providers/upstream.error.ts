/**
 * A failed call to a market-data source. The message is safe to log, store in a run and show to
 * an admin: it never contains the API key (URLs are scrubbed before they reach it).
 */
export type UpstreamErrorCode =
  | 'rate-limited'
  | 'server-error'
  | 'network'
  | 'timeout'
  | 'malformed'
  | 'unauthorized'
  | 'not-found'
  | 'client-error'
  | 'upstream-status'
  | 'circuit-open'
  | 'aborted';

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    /** Worth trying again later (the whole call, after the client's own retries gave up). */
    readonly retryable: boolean,
    /** The upstream HTTP status, when there was a response. */
    readonly status: number | null = null,
    readonly provider = 'polygon',
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}

import { ApiError, NetworkError } from '../api/problem';

/** What a panel shows for a failed request: one sentence, plus messages per form field. */
export interface ErrorView {
  message: string;
  /** The API's per-field messages (`errors[]` of a 400), keyed by field name. */
  fields: Record<string, string>;
  requestId: string | null;
}

/** Turns any failure of an API call into words a user can act on; never a blank panel. */
export function describeError(error: unknown): ErrorView {
  if (error instanceof NetworkError) {
    return {
      message: 'Cannot reach the API (network error). Is the server running?',
      fields: {},
      requestId: null,
    };
  }
  if (!(error instanceof ApiError)) {
    const text = error instanceof Error ? error.message : String(error);
    return { message: `Unexpected error: ${text}`, fields: {}, requestId: null };
  }
  const problem = error.problem;
  const fields: Record<string, string> = {};
  for (const item of problem?.errors ?? []) {
    fields[item.field] = fields[item.field]
      ? `${fields[item.field]}; ${item.message}`
      : item.message;
  }
  const detail = problem?.detail ?? problem?.title ?? 'no details';
  const requestId = problem?.requestId ?? null;
  let message: string;
  switch (true) {
    case error.status === 400:
      message = `Invalid request: ${detail}`;
      break;
    case error.status === 401:
      message = `The API key was refused: ${detail}`;
      break;
    case error.status === 403:
      message = `The API key may not do this: ${detail}`;
      break;
    case error.status === 404:
      message = `Not found: ${detail}`;
      break;
    case error.status === 429:
      message = `Rate limited${retryIn(error.retryAfterSeconds)}: ${detail}`;
      break;
    case error.status === 503:
      message = `The API is unavailable${retryIn(error.retryAfterSeconds)}: ${detail}`;
      break;
    case error.status >= 500:
      message = `The API failed (HTTP ${error.status}): ${detail}`;
      break;
    default:
      message = `Request failed (HTTP ${error.status}): ${detail}`;
  }
  return { message, fields, requestId };
}

function retryIn(seconds: number | null): string {
  return seconds === null ? '' : `, retry in ${seconds} s`;
}

/** The banner text while a rate-limited request waits to be retried. */
export function rateLimitNotice(secondsLeft: number): string {
  return `Rate limited, retrying in ${Math.max(0, Math.ceil(secondsLeft))} s`;
}

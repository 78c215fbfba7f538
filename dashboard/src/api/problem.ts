/** RFC 9457 problem details, the body of every API error (API.md). */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  code?: string;
  errors?: FieldProblem[];
}

/** An HTTP error answer of the API (status >= 400). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    /** Seconds from Retry-After, when the answer carried one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** The request never got an HTTP answer (server down, connection refused, DNS, offline). */
export class NetworkError extends Error {
  constructor(readonly path: string) {
    super(`network error on ${path}`);
    this.name = 'NetworkError';
  }
}

/** Retry-After as whole seconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

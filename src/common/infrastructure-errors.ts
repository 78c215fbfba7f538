import { DomainError, RETRY_AFTER_SECONDS } from './domain-error';

/** The database refused, dropped or never opened a connection: come back later. */
export class DatabaseUnavailableError extends DomainError {
  constructor() {
    super(
      'database-unavailable',
      503,
      'The database is unavailable; try again shortly.',
      undefined,
      { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    );
  }
}

/** The request ran past its deadline (REQUEST_TIMEOUT_MS, or a statement's own timeout). */
export class DeadlineExceededError extends DomainError {
  constructor(deadlineMs?: number) {
    super(
      'deadline-exceeded',
      504,
      deadlineMs === undefined
        ? 'The request did not complete within its deadline; try again or ask for less data.'
        : `The request did not complete within its ${deadlineMs} ms deadline; try again or ask for less data.`,
    );
  }
}

/** Node socket errors that mean the database is not reachable (or went away mid-query). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a database that cannot serve now: class 08 (connection exception), 53300 (too
 * many connections), 57P01..57P03 (shutting down, crashed, starting up).
 */
function unavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '53300' || /^57P0[123]$/.test(code);
}

/** SQLSTATE 57014: the statement was cancelled, here by `statement_timeout`. */
const QUERY_CANCELED = '57014';

/**
 * Messages node-postgres gives when a connection could not be opened or was lost; they carry no
 * code of their own.
 */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error/,
  /^Client was closed and is not queryable/,
  /^Cannot use a pool after calling end/,
  /^Query read timeout/,
  /^Connection closed/,
];

/**
 * Maps a failure of the database underneath a request to what the client should be told: 503
 * with Retry-After when the database is unreachable, 504 when a statement hit its timeout. Any
 * other error (a bug, a constraint) returns undefined and stays a 500 (or what it was).
 * Looks through TypeORM's QueryFailedError (`driverError`) and `cause` chains.
 */
export function asInfrastructureError(error: unknown): DomainError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof DomainError) return undefined;
    const candidate = current as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    if (code === QUERY_CANCELED) return new DeadlineExceededError();
    if (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && unavailableSqlState(code))) {
      return new DatabaseUnavailableError();
    }
    const message = typeof candidate.message === 'string' ? candidate.message : '';
    if (DRIVER_MESSAGES.some((pattern) => pattern.test(message))) {
      return new DatabaseUnavailableError();
    }
    current =
      current instanceof AggregateError && current.errors.length > 0
        ? current.errors[0]
        : (candidate.driverError ?? candidate.cause);
  }
  return undefined;
}

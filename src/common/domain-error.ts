/**
 * Domain errors carry a stable code and an HTTP status; the global filter maps them to
 * problem+json. Services throw these (never HttpException), so the CLI can print them too.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    /** Extra members merged into the problem body (RFC 9457 extensions), e.g. readiness checks. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends DomainError {
  constructor(errors: FieldError[], message = describeFieldErrors(errors)) {
    super('invalid-input', 400, message, errors);
  }

  static field(field: string, message: string): InvalidInputError {
    return new InvalidInputError([{ field, message }]);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('not-found', 404, message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', 409, message);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'A valid API key is required in the X-API-Key header.') {
    super('unauthorized', 401, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('forbidden', 403, message);
  }
}

/** Seconds a client or load balancer is asked to wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;

export class ServiceUnavailableError extends DomainError {
  constructor(
    message: string,
    extensions?: Record<string, unknown>,
    retryAfterSeconds = RETRY_AFTER_SECONDS,
  ) {
    super(
      'service-unavailable',
      503,
      message,
      undefined,
      { 'Retry-After': String(retryAfterSeconds) },
      extensions,
    );
  }
}

export function describeFieldErrors(errors: FieldError[]): string {
  if (errors.length === 1) return `${errors[0].field}: ${errors[0].message}`;
  return `${errors.length} invalid fields: ${errors.map((e) => e.field).join(', ')}`;
}

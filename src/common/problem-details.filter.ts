import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { DomainError, FieldError } from './domain-error';
import { asInfrastructureError } from './infrastructure-errors';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from './problem-details';

/** Fastify's own client errors, answered with a fixed message (never the raw internal text). */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload-too-large',
    detail: 'The request body is larger than the server accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported-media-type',
    detail: 'Send the request body as application/json.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'invalid-body',
    detail: 'The request declares a JSON body but sent none.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid-body',
    detail: 'The Content-Length header does not match the body.',
  },
};

/**
 * The one place errors become HTTP responses: every error is answered as RFC 9457
 * application/problem+json carrying the request id. Server errors are logged in full and
 * answered with a fixed sentence, so no stack trace, SQL or file path reaches a client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    replyWithProblem(
      exception,
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
    );
  }
}

const logger = new Logger('Errors');

/**
 * Answers a request with the problem+json of an error: what the global filter does, callable by
 * routes served outside Nest's pipeline (the bar fast lane) so their errors look the same.
 */
export function replyWithProblem(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  // A database that is down or too slow is the client's 503/504, not a server bug.
  const infrastructure = asInfrastructureError(exception);
  const error = infrastructure ?? exception;
  const body = toProblem(error, request);
  if (infrastructure) {
    logger.warn(
      { err: exception, requestId: body.requestId },
      `${request.method} ${request.routeOptions?.url ?? 'unknown route'} answered ${body.status}: ${infrastructure.message}`,
    );
  } else if (body.status >= 500) {
    logger.error(
      { err: exception, requestId: body.requestId },
      `unhandled error on ${request.method} ${request.routeOptions?.url ?? 'unknown route'}`,
    );
  }
  if (reply.sent || reply.raw.headersSent) return;
  if (error instanceof DomainError && error.headers) {
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  }
  reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

export function toProblem(exception: unknown, request: FastifyRequest): ProblemDetails {
  const instance = (request.url ?? '/').split('?')[0];
  const requestId = String(request.id ?? '');
  if (exception instanceof DomainError) {
    const status = exception.status;
    // 503/504 carry deliberate, safe messages (not ready, deadline); other 5xx never echo internals.
    const detail =
      status >= 500 && status !== 503 && status !== 504
        ? serverErrorDetail(status)
        : exception.message;
    const body = problem(status, exception.code, detail, instance, requestId, exception.errors);
    return exception.extensions ? { ...exception.extensions, ...body } : body;
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) {
      return problem(
        404,
        'not-found',
        `There is no ${request.method} ${instance} endpoint.`,
        instance,
        requestId,
      );
    }
    if (status >= 500)
      return problem(status, 'server-error', serverErrorDetail(status), instance, requestId);
    const { detail, errors } = describeHttpException(exception);
    return problem(status, codeForStatus(status), detail, instance, requestId, errors);
  }
  const fastifyCode = (exception as { code?: string })?.code;
  const known = fastifyCode ? FASTIFY_CLIENT_ERRORS[fastifyCode] : undefined;
  if (known) return problem(known.status, known.code, known.detail, instance, requestId);
  const statusCode = (exception as { statusCode?: number })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    // Fastify client errors such as malformed JSON bodies.
    return problem(
      statusCode,
      codeForStatus(statusCode),
      statusCode === 400 ? 'The request body is not valid JSON.' : 'The request was not accepted.',
      instance,
      requestId,
    );
  }
  return problem(500, 'server-error', serverErrorDetail(500), instance, requestId);
}

function serverErrorDetail(status: number): string {
  if (status === 503) return 'The service is not ready to answer this request; try again shortly.';
  return 'An unexpected error occurred. Quote the requestId when reporting it.';
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid-input';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload-too-large';
    case 429:
      return 'rate-limited';
    default:
      return `http-${status}`;
  }
}

function describeHttpException(exception: HttpException): {
  detail: string;
  errors?: FieldError[];
} {
  const response = exception.getResponse();
  if (typeof response === 'string') return { detail: response };
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) {
    return { detail: message.join('; ') };
  }
  return { detail: typeof message === 'string' ? message : exception.message };
}

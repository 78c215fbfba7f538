import { FieldError } from './domain-error';

/** RFC 9457 problem details, the body of every error response. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const TYPE_BASE = 'https://market-data-warehouse.dev/problems/';

export function problem(
  status: number,
  code: string,
  detail: string,
  instance: string,
  requestId: string,
  errors?: FieldError[],
): ProblemDetails {
  const body: ProblemDetails = {
    type: `${TYPE_BASE}${code}`,
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Error'),
    status,
    detail,
    instance,
    requestId,
  };
  if (errors && errors.length > 0) body.errors = errors;
  return body;
}

import type { OpenAPIObject } from '@nestjs/swagger';

type Responses = Record<string, { description: string; headers?: Record<string, unknown> }>;

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 1 },
  },
};

/**
 * Adds the answers every operation can give whatever its controller says, because they come
 * from the platform underneath it: 503 when the database is unavailable (with Retry-After), 504
 * when the request deadline passed; under /api, 400 for a malformed URL or an unknown query
 * parameter and 429 from the rate limiter; 401 for a key that was sent but is not valid (public
 * routes too: only the probes ignore keys); 413/415 for operations that take a body.
 * Operations that already document one of these keep their own description.
 */
export function documentInfrastructureResponses(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    if (path === '/health') continue;
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const responses = operation.responses as Responses;
      const add = (status: string, description: string, headers?: Record<string, unknown>) => {
        responses[status] ??= headers ? { description, headers } : { description };
      };
      if (path.startsWith('/api/')) {
        add('400', 'problem+json: invalid input (an unknown query parameter, a malformed URL).');
        add(
          '429',
          'problem+json: rate limited; Retry-After gives the seconds to wait.',
          RETRY_AFTER,
        );
      }
      if (path !== '/ready') {
        add('401', 'problem+json: an X-API-Key was sent but is unknown, revoked or expired.');
      }
      if (operation.requestBody) {
        add('413', 'problem+json: the body is larger than BODY_LIMIT_BYTES.');
        add('415', 'problem+json: the body is not application/json.');
      }
      add(
        '503',
        'problem+json: the database is unavailable; retry after Retry-After.',
        RETRY_AFTER,
      );
      if (path !== '/ready') {
        add('504', 'problem+json: the request did not complete within REQUEST_TIMEOUT_MS.');
      }
    }
  }
}

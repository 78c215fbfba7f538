import type { Response } from 'supertest';

/** Words that would mean a response leaked internals: parser text, SQL, stacks, paths. */
export const LEAK_PATTERN =
  /SyntaxError|Unexpected token|at position|JSON\.parse|stack|SELECT |INSERT |relation |constraint|violates|node_modules|\/src\/|\/dist\/|\.ts:|\.js:|ECONN|postgres|pg_|FST_/i;

/** Asserts the RFC 9457 problem shape of an error response and that it leaks nothing. */
export function expectProblem(res: Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.any(String),
    requestId: res.headers['x-request-id'],
  });
  expect(res.text).not.toMatch(LEAK_PATTERN);
  expect(res.headers['x-powered-by']).toBeUndefined();
}

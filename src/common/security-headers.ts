import type { IncomingMessage, ServerResponse } from 'node:http';

import helmet, { HelmetOptions } from 'helmet';

/**
 * The security headers helmet would set, computed once at start-up.
 *
 * Hand-written on purpose: @fastify/helmet builds a new helmet middleware (re-parsing the CSP
 * directives) on every request, which showed up in the hot-path CPU profile. Our headers are
 * static (no CSP nonces), so we let helmet compute them once against a recording response and
 * set the resulting pairs with one `reply.headers()` per request.
 */
export function staticSecurityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
    getHeader(name: string) {
      return headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => (failure = error),
  );
  if (failure)
    throw failure instanceof Error
      ? failure
      : new Error('helmet could not compute the security headers');
  return headers;
}

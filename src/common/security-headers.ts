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

/**
 * What every page this server sends must survive: being opened over plain HTTP on a LAN host
 * (http://warehouse.lan:8000), where the browser does not treat the origin as secure. So:
 * - no `upgrade-insecure-requests`: it rewrites every script, style and fetch to https://,
 *   which such a host does not serve, and the page comes up blank;
 * - no `Cross-Origin-Opener-Policy` and no `Origin-Agent-Cluster`: browsers honour them only on
 *   secure origins and log a console warning on every page load elsewhere;
 * HSTS stays: browsers ignore it over HTTP and honour it once a TLS proxy fronts the server.
 */
const PLAIN_HTTP_SAFE: HelmetOptions = {
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
};

const BASE_DIRECTIVES = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  upgradeInsecureRequests: null,
};

/** JSON responses and Swagger UI (/docs), which needs inline scripts and styles. */
export const API_SECURITY_HEADERS = staticSecurityHeaders({
  ...PLAIN_HTTP_SAFE,
  contentSecurityPolicy: {
    directives: {
      ...BASE_DIRECTIVES,
      styleSrc: ["'self'", "'unsafe-inline'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
    },
  },
});

/** The dashboard (/dashboard): its bundle has no inline script or style, so none is allowed. */
export const DASHBOARD_SECURITY_HEADERS = staticSecurityHeaders({
  ...PLAIN_HTTP_SAFE,
  contentSecurityPolicy: {
    directives: {
      ...BASE_DIRECTIVES,
      styleSrc: ["'self'"],
      scriptSrc: ["'self'"],
      connectSrc: ["'self'"],
    },
  },
});

/** The headers for a request URL: the dashboard's stricter set under /dashboard. */
export function securityHeadersFor(url: string): Record<string, string> {
  return url.startsWith('/dashboard') ? DASHBOARD_SECURITY_HEADERS : API_SECURITY_HEADERS;
}

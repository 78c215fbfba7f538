import {
  API_SECURITY_HEADERS,
  DASHBOARD_SECURITY_HEADERS,
  securityHeadersFor,
  staticSecurityHeaders,
} from './security-headers';

describe('staticSecurityHeaders', () => {
  const headers = staticSecurityHeaders({
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"] } },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });

  it('records the headers helmet sets, lower-cased', () => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['strict-transport-security']).toMatch(/^max-age=/);
    expect(headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('includes the configured content security policy', () => {
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('never sets X-Powered-By', () => {
    expect(headers['x-powered-by']).toBeUndefined();
  });
});

describe('the headers pages are served with', () => {
  it.each([
    ['API and Swagger UI', API_SECURITY_HEADERS],
    ['dashboard', DASHBOARD_SECURITY_HEADERS],
  ])('%s: work over plain HTTP on a LAN host', (_name, set) => {
    expect(set['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(set['cross-origin-opener-policy']).toBeUndefined();
    expect(set['origin-agent-cluster']).toBeUndefined();
    expect(set['x-content-type-options']).toBe('nosniff');
  });

  it('allow inline scripts only where Swagger UI needs them', () => {
    expect(API_SECURITY_HEADERS['content-security-policy']).toContain(
      "script-src 'self' 'unsafe-inline'",
    );
    const dashboard = DASHBOARD_SECURITY_HEADERS['content-security-policy'];
    expect(dashboard).toContain("script-src 'self';");
    expect(dashboard).toContain("style-src 'self';");
    expect(dashboard).toContain("connect-src 'self'");
  });

  it('are chosen by URL', () => {
    expect(securityHeadersFor('/dashboard/')).toBe(DASHBOARD_SECURITY_HEADERS);
    expect(securityHeadersFor('/dashboard/assets/index-1a2b.js')).toBe(DASHBOARD_SECURITY_HEADERS);
    expect(securityHeadersFor('/docs')).toBe(API_SECURITY_HEADERS);
    expect(securityHeadersFor('/api/v1/status')).toBe(API_SECURITY_HEADERS);
  });
});

import { staticSecurityHeaders } from './security-headers';

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

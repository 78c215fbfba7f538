import type { ExecutionContext } from '@nestjs/common';

import { ForbiddenError } from '../common/domain-error';
import type { AuthenticatedKey } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { MetricsAccessGuard } from './metrics-access.guard';

function contextFor(ip: string, apiKey?: AuthenticatedKey): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => ({ ip, apiKey }) }),
  } as unknown as ExecutionContext;
}

function guard(allow: string): MetricsAccessGuard {
  return new MetricsAccessGuard(AppConfig.fromEnv({ METRICS_ALLOW: allow }));
}

describe('MetricsAccessGuard', () => {
  it('lets everyone in when METRICS_ALLOW is empty', () => {
    expect(guard('').canActivate(contextFor('203.0.113.9'))).toBe(true);
  });

  it('allows addresses inside a range, including IPv4-mapped IPv6 ones', () => {
    const g = guard('10.0.0.0/8,192.168.1.7');
    expect(g.canActivate(contextFor('10.20.30.40'))).toBe(true);
    expect(g.canActivate(contextFor('::ffff:10.20.30.40'))).toBe(true);
    expect(g.canActivate(contextFor('192.168.1.7'))).toBe(true);
  });

  it('matches IPv6 ranges only against IPv6 addresses', () => {
    const g = guard('fd00::/8');
    expect(g.canActivate(contextFor('fd12::1'))).toBe(true);
    expect(() => g.canActivate(contextFor('10.0.0.1'))).toThrow(ForbiddenError);
  });

  it('refuses other addresses and keys without the admin scope', () => {
    const g = guard('10.0.0.0/8');
    expect(() => g.canActivate(contextFor('192.168.1.8'))).toThrow(ForbiddenError);
    const reader: AuthenticatedKey = { id: 'k1', name: 'reader', scopes: ['read'] };
    expect(() => g.canActivate(contextFor('192.168.1.8', reader))).toThrow(ForbiddenError);
    expect(() => g.canActivate(contextFor('not-an-ip'))).toThrow(ForbiddenError);
  });

  it('allows an admin key from anywhere', () => {
    const admin: AuthenticatedKey = { id: 'k2', name: 'ops', scopes: ['admin'] };
    expect(guard('10.0.0.0/8').canActivate(contextFor('198.51.100.1', admin))).toBe(true);
  });
});

import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import * as ipaddr from 'ipaddr.js';

import { ForbiddenError } from '../common/domain-error';
import type { WarehouseRequest } from '../common/request-context';
import { AppConfig } from '../config/app-config';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Restricts GET /metrics when METRICS_ALLOW is set: a client inside one of the ranges, or one
 * presenting an admin key (validated by the global API-key guard, which runs first), may scrape.
 * Unset, the endpoint is open, as on a private network or behind nginx's internal-only location.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly ranges: Range[];

  constructor(config: AppConfig) {
    this.ranges = config.metrics.allow.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.ranges.length === 0) return true;
    const request = context.switchToHttp().getRequest<WarehouseRequest>();
    if (this.allows(request.ip) || request.apiKey?.scopes.includes('admin')) return true;
    throw new ForbiddenError(
      'Metrics are restricted to the networks in METRICS_ALLOW or an admin X-API-Key.',
    );
  }

  private allows(ip: string): boolean {
    if (!ipaddr.isValid(ip)) return false;
    // process() turns an IPv4-mapped IPv6 address (::ffff:10.0.0.1) back into IPv4.
    const address = ipaddr.process(ip);
    return this.ranges.some(
      ([range, bits]) => range.kind() === address.kind() && address.match(range, bits),
    );
  }
}

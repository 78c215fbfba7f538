import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';

import { ForbiddenError, UnauthorizedError } from '../common/domain-error';
import type { ApiScope, WarehouseRequest } from '../common/request-context';
import { isApiPath } from '../rate-limit';
import { RateLimiter } from '../rate-limit';
import { ApiKeysService, AuthenticationFailure } from './api-keys.service';
import { AuditService } from './audit.service';
import { REQUIRED_SCOPES, scopesSatisfy } from './require-scopes.decorator';

/** Probes answer orchestrators, never clients: no authentication, no rate limit. */
const PROBE_PATHS = new Set(['/health', '/ready']);

/**
 * The global guard: who is calling (X-API-Key only, never a query parameter), how fast they may
 * call, and whether they may call this route.
 *
 * - No key: anonymous; fine on public routes, 401 on scoped ones. Limited per client IP.
 * - A key that is malformed, unknown, deactivated, revoked or expired: the same 401 on every
 *   route, public ones included (a client that sends a key expects it to count), audited as
 *   `auth.failed` and counted per IP in the stricter auth-failures bucket; once that is spent,
 *   keyed requests from the address get 429 without a database lookup until the window ends.
 * - A valid key: limited per key id; 403 (audited `auth.forbidden`) when it lacks the scope.
 *
 * Rate limiting lives here rather than in a second global guard because the bucket depends on
 * the authentication outcome, and global guards cannot reliably be ordered across modules.
 * Anonymous requests cost no database access at all.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger('ApiKeys');

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<WarehouseRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const required =
      this.reflector.getAllAndOverride<ApiScope[] | undefined>(REQUIRED_SCOPES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    await this.admit(request, reply, required);
    return true;
  }

  /**
   * Authentication, rate limit and scope check of one request: returns when it may proceed,
   * throws the 401/403/429 otherwise. `canActivate` calls it for every Nest route; the bar fast
   * lane (served outside Nest's pipeline) calls it directly, so both get the same rules.
   */
  async admit(request: WarehouseRequest, reply: FastifyReply, required: ApiScope[]): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (PROBE_PATHS.has(path)) return;
    const limited = isApiPath(path);

    const header = request.headers['x-api-key'];
    const presented = Array.isArray(header) ? header[0] : header;
    if (presented === undefined) {
      if (limited) this.limit(reply, this.limiter.anonymous, request.ip);
      if (required.length > 0) throw new UnauthorizedError();
      return;
    }

    // Guessing is slowed on every route, not only under /api: a client that keeps failing is
    // stopped before its next guess reaches the database.
    const failures = this.limiter.check(this.limiter.authFailures, request.ip);
    if (!failures.allowed) {
      this.limiter.applyHeaders(reply, failures);
      throw this.limiter.rejection(failures);
    }
    const result = await this.keys.authenticate(presented.trim());
    if (!result.ok) {
      this.limiter.applyHeaders(reply, this.limiter.consume(this.limiter.authFailures, request.ip));
      await this.recordFailure(request, result.reason, result.keyId);
      throw new UnauthorizedError();
    }

    request.apiKey = result.key;
    if (limited) this.limit(reply, this.limiter.keyed, result.key.id);
    if (!scopesSatisfy(result.key.scopes, required)) {
      await this.safeAudit({
        action: 'auth.forbidden',
        apiKeyId: result.key.id,
        actorKeyId: result.key.id,
        details: { method: request.method, path, required, granted: result.key.scopes },
        request,
      });
      throw new ForbiddenError(`This API key lacks the ${required.join(', ')} scope needed here.`);
    }
  }

  private limit(reply: FastifyReply, policy: RateLimiter['anonymous'], client: string): void {
    const decision = this.limiter.consume(policy, client);
    this.limiter.applyHeaders(reply, decision);
    if (!decision.allowed) throw this.limiter.rejection(decision);
  }

  private async recordFailure(
    request: WarehouseRequest,
    reason: AuthenticationFailure,
    keyId: string | undefined,
  ): Promise<void> {
    await this.safeAudit({
      action: 'auth.failed',
      apiKeyId: keyId ?? null,
      actorKeyId: null,
      details: { reason, method: request.method, path: (request.url ?? '/').split('?')[0] },
      request,
    });
  }

  /** An audit write that fails must not turn a 401/403 into a 500; it is logged instead. */
  private async safeAudit(entry: Parameters<AuditService['record']>[0]): Promise<void> {
    try {
      await this.audit.record(entry);
    } catch (error) {
      this.logger.error(
        `could not write the ${entry.action} audit entry: ${(error as Error).message}`,
      );
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { FixedWindowStorage } from './fixed-window.storage';

export type PolicyName = 'anonymous' | 'key' | 'auth-failures';

export interface RateLimitPolicy {
  name: PolicyName;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  policy: RateLimitPolicy;
  allowed: boolean;
  remaining: number;
  resetSeconds: number;
}

const WINDOW_SECONDS = 60;

/**
 * The three buckets: anonymous clients per IP, keyed clients per key id, and failed
 * authentications per IP (a stricter bucket, so a client guessing keys is slowed to a crawl).
 * Counters live in this process (see FixedWindowStorage); with N processes behind a balancer the
 * effective limit is up to N times the configured one, which is why nginx also limits at the edge.
 *
 * Headers follow draft-ietf-httpapi-ratelimit-headers-10 (structured fields, same syntax in -11):
 * `RateLimit-Policy: "anonymous";q=600;w=60` and `RateLimit: "anonymous";r=599;t=42`.
 */
@Injectable()
export class RateLimiter {
  readonly anonymous: RateLimitPolicy;
  readonly keyed: RateLimitPolicy;
  readonly authFailures: RateLimitPolicy;

  constructor(
    config: AppConfig,
    private readonly storage: FixedWindowStorage,
  ) {
    const { anonymousPerMinute, keyPerMinute, authFailuresPerMinute } = config.rateLimit;
    this.anonymous = {
      name: 'anonymous',
      limit: anonymousPerMinute,
      windowSeconds: WINDOW_SECONDS,
    };
    this.keyed = { name: 'key', limit: keyPerMinute, windowSeconds: WINDOW_SECONDS };
    this.authFailures = {
      name: 'auth-failures',
      limit: authFailuresPerMinute,
      windowSeconds: WINDOW_SECONDS,
    };
  }

  /** Counts one request against the client's bucket. */
  consume(policy: RateLimitPolicy, client: string): RateLimitDecision {
    const state = this.storage.hit(`${policy.name}:${client}`, policy.windowSeconds * 1000);
    return {
      policy,
      allowed: state.hits <= policy.limit,
      remaining: Math.max(0, policy.limit - state.hits),
      resetSeconds: state.resetSeconds,
    };
  }

  /** Whether the client may still make a request in this bucket, without counting one. */
  check(policy: RateLimitPolicy, client: string): RateLimitDecision {
    const state = this.storage.peek(`${policy.name}:${client}`, policy.windowSeconds * 1000);
    return {
      policy,
      allowed: state.hits < policy.limit,
      remaining: Math.max(0, policy.limit - state.hits),
      resetSeconds: state.resetSeconds,
    };
  }

  applyHeaders(reply: FastifyReply, decision: RateLimitDecision): void {
    const { policy } = decision;
    reply.header(
      'RateLimit-Policy',
      `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`,
    );
    reply.header(
      'RateLimit',
      `"${policy.name}";r=${decision.remaining};t=${decision.resetSeconds}`,
    );
  }

  /** The 429 problem; the filter copies Retry-After (integer seconds) onto the response. */
  rejection(decision: RateLimitDecision): DomainError {
    const who =
      decision.policy.name === 'auth-failures'
        ? 'Too many failed authentications from this address'
        : 'Rate limit exceeded';
    return new DomainError(
      'rate-limited',
      429,
      `${who}: ${decision.policy.limit} requests per ${decision.policy.windowSeconds} s (policy "${decision.policy.name}"). Retry after ${decision.resetSeconds} s.`,
      undefined,
      { 'Retry-After': String(decision.resetSeconds) },
    );
  }
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { isApiPath } from './api-path';
import { RateLimiter } from './rate-limiter.service';

/**
 * Requests to /api paths that match no route never reach a guard, yet they are /api responses
 * too: count them in the caller's anonymous per-IP bucket and label them with the rate-limit
 * fields, so probing for endpoints is limited like anything else. The hook runs for every
 * request but returns at once unless Fastify found no route.
 */
@Injectable()
export class UnmatchedRouteLimiter implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly limiter: RateLimiter,
  ) {}

  onModuleInit(): void {
    // The CLI has no HTTP server.
    const fastify = this.adapterHost.httpAdapter?.getInstance?.<FastifyInstance>();
    if (!fastify || typeof fastify.addHook !== 'function') return;
    // Added before Nest installs its not-found handler, so that handler inherits the hook.
    fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.is404 || !isApiPath(request.url)) return;
      const decision = this.limiter.consume(this.limiter.anonymous, request.ip);
      this.limiter.applyHeaders(reply, decision);
      if (!decision.allowed) throw this.limiter.rejection(decision);
    });
  }
}

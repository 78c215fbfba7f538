import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

import { isApiPath } from './api-path';
import { RateLimiter } from './rate-limiter.service';

/**
 * Every response under /api carries the rate-limit fields, whatever its status. The guard sets
 * them for requests it sees; a request refused before it ran (a body over the limit, malformed
 * JSON, an unsupported media type) is counted here, in its address's anonymous bucket, since
 * its key was never read. A check of one header per response when the guard already ran.
 */
@Injectable()
export class RateLimitHeadersHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly limiter: RateLimiter,
  ) {}

  onModuleInit(): void {
    // The CLI has no HTTP server.
    const fastify = this.adapterHost.httpAdapter?.getInstance?.<FastifyInstance>();
    if (!fastify || typeof fastify.addHook !== 'function') return;
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (!reply.hasHeader('ratelimit') && isApiPath(request.url)) {
        this.limiter.applyHeaders(reply, this.limiter.consume(this.limiter.anonymous, request.ip));
      }
      done(null, payload);
    });
  }
}

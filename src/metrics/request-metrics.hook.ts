import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

import { AppConfig } from '../config/app-config';
import { UNMATCHED_ROUTE } from './http-request-histogram';
import { httpRequests } from './instruments';

/**
 * Records every HTTP response in the request histogram, by route template (a symbol in the path
 * never makes a new series). It is one Fastify onResponse hook: Fastify already timestamps each
 * reply (`reply.elapsedTime`), so no onRequest hook or per-request state is needed.
 * METRICS_ENABLED=false leaves it out, to measure what it costs.
 */
@Injectable()
export class RequestMetricsHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.metrics.enabled) return;
    // Absent in the CLI, which has no HTTP server.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onResponse', (request, reply, done) => {
      httpRequests.observe(
        request.method,
        request.routeOptions.url ?? UNMATCHED_ROUTE,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}

import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { ApiKeyGuard } from '../api-keys/api-key.guard';
import { REQUIRED_SCOPES } from '../api-keys/require-scopes.decorator';
import { replyWithProblem } from '../common/problem-details.filter';
import type { ApiScope } from '../common/request-context';
import { BarsController } from './bars.controller';
import { BarsService } from './bars.service';
import type { BarsQueryDto } from './dto/bars-query.dto';
import { fastBarsQuery } from './fast-bars-query';
import { sendBarsResponse } from './send-bars-response';

/** The route as Nest registers it on Fastify (BarsController.one). */
export const FAST_LANE_ROUTE = '/api/v1/historical/:symbol';

/**
 * Serves the hot route, GET /api/v1/historical/{symbol}, without Nest's per-request pipeline.
 *
 * Why: for a 1-bar page, Nest's router context, guard and parameter resolution and the
 * class-transformer/class-validator pass over the query cost about a quarter of the server's CPU
 * per request (~0.13 of ~0.5 ms, measured; docs/PERFORMANCE.md). The library is the bottleneck
 * there, so this one route is hand-written, the rest of the application is not.
 *
 * How, without a second definition of the route: Nest still registers BarsController.one (so the
 * OpenAPI document, and every behaviour of the route, come from it). A Fastify `onRoute` hook
 * wraps that handler: a request whose query `fastBarsQuery` reads as plainly valid is served here
 * with the same steps Nest would take — the global guard's `admit` (authentication, rate limit,
 * the route's scopes), `BarsService.getBars`, the same reply, errors through the same
 * problem+json function as the global filter. Any other request (a bad parameter, a repeated
 * one, an empty symbol) is handed to Nest's handler untouched, before anything was counted or
 * sent, and gets Nest's errors. Request id, security headers, logging, metrics and compression
 * are Fastify hooks and apply to both paths alike.
 */
@Injectable()
export class HistoricalFastLane {
  private readonly requiredScopes: ApiScope[];

  constructor(
    private readonly bars: BarsService,
    private readonly guard: ApiKeyGuard,
    reflector: Reflector,
  ) {
    // The scopes the guard would read for BarsController.one, looked up once.
    this.requiredScopes =
      reflector.getAllAndOverride<ApiScope[] | undefined>(REQUIRED_SCOPES, [
        // eslint-disable-next-line @typescript-eslint/unbound-method -- a metadata key, never called
        BarsController.prototype.one,
        BarsController,
      ]) ?? [];
  }

  /** Must run before Nest registers its routes (createApp calls it before app.init()). */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      if (route.url !== FAST_LANE_ROUTE || route.method !== 'GET') return;
      const nestHandler = route.handler;
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const lane = this;
      route.handler = function fastLane(this: FastifyInstance, request, reply) {
        const query = fastBarsQuery(request.query);
        const symbol = (request.params as { symbol?: string }).symbol;
        if (query === undefined || !symbol) return nestHandler.call(this, request, reply);
        return lane.serve(request, reply, symbol, query);
      };
    });
  }

  private async serve(
    request: FastifyRequest,
    reply: FastifyReply,
    symbol: string,
    query: BarsQueryDto,
  ): Promise<FastifyReply> {
    try {
      await this.guard.admit(request, reply, this.requiredScopes);
      const response = await this.bars.getBars(symbol, query, request.headers.accept);
      return sendBarsResponse(request, reply, response);
    } catch (error) {
      replyWithProblem(error, request, reply);
      return reply;
    }
  }
}

import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ApplicationConfig, ModuleRef, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { ApiKeyGuard } from '../../api-keys';
import { REQUIRED_SCOPES } from '../../api-keys';
import { replyWithProblem } from '../../common/problem-details.filter';
import type { ApiScope } from '../../common/request-context';
import { AppConfig } from '../../config/app-config';
import { BarsController } from './bars.controller';
import { queryReaderFor } from './fast-bars-query';
import { checkLaneEnhancers } from './lane-enhancers';

/** What a request gives one argument of a handler; undefined hands the request to Nest. */
type ArgumentOf = (request: FastifyRequest, reply: FastifyReply) => { value: unknown } | undefined;

interface LaneRoute {
  /** `GET /api/v1/historical/:symbol`, as Fastify registers it. */
  name: string;
  handler: (...args: unknown[]) => Promise<void>;
  handlerName: string;
  scopes: ApiScope[];
  args: ArgumentOf[];
}

/**
 * Serves the bar routes (BarsController's GET handlers: the hot path) without Nest's
 * per-request pipeline, calling the very handler Nest would call.
 *
 * Why: for a 1-bar page, Nest's router context, guard and parameter resolution and the
 * class-transformer/class-validator pass over the query cost about a quarter of the server's CPU
 * per request (docs/PERFORMANCE.md). The libraries are the bottleneck there, so these routes'
 * per-request steps are done here; everything they do is derived from the same declarations:
 *
 * - the route, its handler and its parameters come from Nest's route metadata (path, method,
 *   `@Param`/`@Query`/`@Headers`/`@Req`/`@Res`), the scopes from `@RequireScopes`;
 * - the query rules from the DTO's class-validator/class-transformer metadata (queryReaderFor):
 *   a plainly valid query is read here, anything else is handed to Nest's handler untouched,
 *   before anything was counted or sent, and gets Nest's errors;
 * - the global guard's `admit` (authentication, rate limit, scopes) and, for errors, the global
 *   filter's `replyWithProblem`, as Nest would;
 * - the application refuses to start if an enhancer exists that this would skip
 *   (checkLaneEnhancers): a global interceptor, pipe or guard added later, or one on a route.
 *
 * Request id, security headers, logging, metrics, deadlines and compression are Fastify hooks
 * and apply to both paths alike. READ_PATH_DISABLE=fast-lane leaves every request to Nest.
 */
@Injectable()
export class HistoricalFastLane {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly guard: ApiKeyGuard,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  /** Must run before Nest registers its routes (createApp calls it before app.init()). */
  install(app: NestFastifyApplication): void {
    if (this.config.readPath.disabled.has('fast-lane')) return;
    const fastify = app.getHttpAdapter().getInstance();
    const applicationConfig = (app as unknown as { config?: unknown }).config;
    if (!(applicationConfig instanceof ApplicationConfig)) {
      throw new Error('The fast lane cannot see the application’s enhancers (Nest changed?)');
    }
    const routes = new Map(this.routes().map((route) => [route.name, route]));
    fastify.addHook('onRoute', (route) => {
      const lane = routes.get(`${String(route.method)} ${route.url}`);
      if (!lane) return;
      // At route registration (app.init()), every global enhancer has been declared.
      checkLaneEnhancers(applicationConfig, {
        name: lane.name,
        controller: BarsController,
        handler: lane.handler,
      });
      const nestHandler = route.handler;
      const serve = this.serve.bind(this);
      route.handler = function fastLane(this: FastifyInstance, request, reply) {
        const args: unknown[] = [];
        for (const argumentOf of lane.args) {
          const arg = argumentOf(request, reply);
          if (arg === undefined) return nestHandler.call(this, request, reply);
          args.push(arg.value);
        }
        return serve(lane, request, reply, args);
      };
    });
  }

  private async serve(
    route: LaneRoute,
    request: FastifyRequest,
    reply: FastifyReply,
    args: unknown[],
  ): Promise<FastifyReply> {
    try {
      await this.guard.admit(request, reply, route.scopes);
      const controller = this.moduleRef.get(BarsController, { strict: false });
      await route.handler.apply(controller, args);
    } catch (error) {
      replyWithProblem(error, request, reply);
    }
    return reply;
  }

  /** BarsController's GET handlers, read from their metadata. */
  private routes(): LaneRoute[] {
    const base = String(Reflect.getMetadata(PATH_METADATA, BarsController) ?? '');
    const prototype = BarsController.prototype as unknown as Record<string, unknown>;
    return Object.getOwnPropertyNames(BarsController.prototype)
      .filter((name) => name !== 'constructor')
      .filter(
        (name) =>
          Reflect.getMetadata(METHOD_METADATA, prototype[name] as object) === RequestMethod.GET,
      )
      .map((handlerName) => {
        const handler = prototype[handlerName] as LaneRoute['handler'];
        const path = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const url = `/${[base, path].filter((part) => part && part !== '/').join('/')}`;
        return {
          name: `GET ${url}`,
          handler,
          handlerName,
          scopes:
            this.reflector.getAllAndOverride<ApiScope[] | undefined>(REQUIRED_SCOPES, [
              handler,
              BarsController,
            ]) ?? [],
          args: argumentsOf(handlerName),
        };
      });
  }
}

/** How each argument of a BarsController handler is taken from the request. */
function argumentsOf(handlerName: string): ArgumentOf[] {
  const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, BarsController, handlerName) ??
    {}) as Record<string, { index: number; data?: string; pipes?: unknown[] }>;
  const types = (Reflect.getMetadata('design:paramtypes', BarsController.prototype, handlerName) ??
    []) as (new () => object)[];
  const args: ArgumentOf[] = [];
  for (const [key, { index, data, pipes }] of Object.entries(declared)) {
    const where = `BarsController.${handlerName} argument ${index}`;
    if (pipes?.length) throw new Error(`${where}: parameter pipes are not supported by the lane`);
    switch (Number(key.split(':')[0]) as RouteParamtypes) {
      case RouteParamtypes.REQUEST:
        args[index] = (request) => ({ value: request });
        break;
      case RouteParamtypes.RESPONSE:
        args[index] = (_request, reply) => ({ value: reply });
        break;
      case RouteParamtypes.PARAM:
        // An empty path parameter is left to Nest (its validation says so).
        args[index] = (request) => {
          const value = (request.params as Record<string, string | undefined>)[data!];
          return value ? { value } : undefined;
        };
        break;
      case RouteParamtypes.HEADERS:
        args[index] = (request) => ({ value: request.headers[data!.toLowerCase()] });
        break;
      case RouteParamtypes.QUERY: {
        if (data !== undefined) throw new Error(`${where}: @Query('${data}') is not supported`);
        const read = queryReaderFor(types[index]);
        args[index] = (request) => {
          const value = read(request.query);
          return value === undefined ? undefined : { value };
        };
        break;
      }
      default:
        throw new Error(`${where}: this kind of parameter is not supported by the lane`);
    }
  }
  if (args.length !== types.length || args.some((arg) => arg === undefined)) {
    throw new Error(`BarsController.${handlerName}: every argument must be a decorated parameter`);
  }
  return args;
}

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';

import { InvalidInputError } from './domain-error';

/**
 * Unknown query parameters are a 400 on every endpoint: a typo must not silently widen a query.
 * Handlers that take a query DTO get that from the validation pipe (whitelist +
 * forbidNonWhitelisted); this global interceptor covers the handlers that take no query at all,
 * so a new endpoint cannot forget it. Whether a handler declares `@Query()` is read once from
 * Nest's route metadata and remembered.
 */
@Injectable()
export class UnknownQueryInterceptor implements NestInterceptor {
  private readonly takesQuery = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && !this.declaresQuery(context)) {
      const query = context.switchToHttp().getRequest<FastifyRequest>().query;
      const names = query && typeof query === 'object' ? Object.keys(query) : [];
      if (names.length > 0) {
        throw new InvalidInputError(
          names.map((field) => ({
            field,
            message: 'is unknown: this endpoint takes no query parameters',
          })),
        );
      }
    }
    return next.handle();
  }

  private declaresQuery(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let takes = this.takesQuery.get(handler);
    if (takes === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ??
        {}) as Record<string, unknown>;
      takes = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
      this.takesQuery.set(handler, takes);
    }
    return takes;
  }
}

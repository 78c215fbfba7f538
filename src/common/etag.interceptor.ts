import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';

import { etagOf, matchesIfNoneMatch } from './http-caching';

/**
 * ETag + Cache-Control for small JSON data responses (symbols): clients revalidate
 * each time and get a bodiless 304 when nothing changed. The hot bar endpoints do this inline on
 * their pre-built bodies instead.
 */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((data: unknown) => {
        const etag = etagOf(JSON.stringify(data));
        reply.header('etag', etag).header('cache-control', 'public, no-cache');
        if (matchesIfNoneMatch(request, etag)) {
          reply.status(304);
          return undefined;
        }
        return data;
      }),
    );
  }
}

import { constants as zlib } from 'node:zlib';

import compress from '@fastify/compress';
import cors from '@fastify/cors';
import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';

import { AppModule } from './app.module';
import { HistoricalFastLane } from './bars/http/historical-fast-lane';
import { InvalidInputError } from './common/domain-error';
import { installJsonBodyParser } from './common/json-body-parser';
import { ProblemDetailsFilter, replyWithProblem } from './common/problem-details.filter';
import { installRequestDeadline } from './common/request-deadline';
import { requestIdFor } from './common/request-id';
import { securityHeadersFor } from './common/security-headers';
import { setUpSwagger } from './common/swagger';
import { UnknownQueryInterceptor } from './common/unknown-query.interceptor';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { serveDashboard } from './dashboard/serve-dashboard';
import { DrainState } from './health/drain-state';

/**
 * Builds the HTTP application on Fastify (chosen over Express for its lower per-request cost on
 * the hot bar query; see docs/PERFORMANCE.md). Shared by main.ts and the e2e tests, so tests run
 * exactly what production runs.
 */
export interface CreateAppOptions {
  /** Modules mounted beside AppModule; tests use this for probe endpoints. */
  extraModules?: DynamicModule['imports'];
}

export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.api.bodyLimitBytes,
    // Trust exactly the configured number of proxy hops: request.ip is then the address the
    // outermost trusted proxy saw, and a client-forged X-Forwarded-For chain is ignored.
    trustProxy: config.api.trustProxyHops > 0 ? config.api.trustProxyHops : false,
    genReqId: requestIdFor,
    requestIdHeader: false,
    routerOptions: { maxParamLength: 256 },
    // A request that reaches an already-accepted connection while the server closes is served,
    // not refused: SIGTERM's drain window (main.ts) already told load balancers to go elsewhere.
    return503OnClosing: false,
    // Requests Fastify's router refuses before any hook runs (a malformed percent-encoding, an
    // over-long path parameter) get the same headers and problem+json as every other error.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      reply.headers(securityHeadersFor(request.url));
      reply.header('x-request-id', request.id);
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      replyWithProblem(
        InvalidInputError.field(
          'path',
          tooLong
            ? 'a path segment is longer than 256 characters'
            : 'is not a valid URL (malformed percent-encoding)',
        ),
        request,
        reply,
      );
    },
  });
  const root: DynamicModule = options.extraModules?.length
    ? {
        module: class AppWithExtrasModule {},
        imports: [AppModule.forRoot(config), ...options.extraModules],
      }
    : AppModule.forRoot(config);
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    bufferLogs: true,
    abortOnError: false,
    // installJsonBodyParser below is the only body parser (JSON, with nesting and key limits).
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance();
  const drain = app.get(DrainState);
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeadersFor(request.url));
    reply.header('x-request-id', request.id);
    if (drain.draining) reply.header('connection', 'close');
    done();
  });
  installRequestDeadline(fastify, config.api.requestTimeoutMs);
  installJsonBodyParser(fastify, config.api.bodyLimitBytes);

  await app.register(compress, {
    threshold: 1024,
    encodings: ['br', 'gzip', 'deflate'],
    // Brotli's default quality (11) costs far more CPU than it saves on the wire for JSON/CSV.
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
  });
  await app.register(cors, {
    origin: corsOrigin(config.api.corsOrigins),
    exposedHeaders: [
      'X-Request-Id',
      'ETag',
      'RateLimit',
      'RateLimit-Policy',
      'Retry-After',
      'X-Next-Cursor',
    ],
    allowedHeaders: ['Content-Type', 'X-API-Key', 'X-Request-Id', 'If-None-Match'],
  });

  await serveDashboard(fastify);

  // The hot bar route skips Nest's per-request pipeline for plainly valid queries; installed
  // before app.init() registers the routes (see HistoricalFastLane).
  app.get(HistoricalFastLane).install(app);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalInterceptors(new UnknownQueryInterceptor());
  app.useGlobalPipes(createValidationPipe());
  setUpSwagger(app, config);
  return app;
}

function corsOrigin(origins: string[]): boolean | string[] {
  if (origins.includes('*')) return true;
  return origins.length > 0 ? origins : false;
}

import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

import type { WarehouseRequest } from './request-context';

/** Where request lines go: the app logger's stdout stream, with its level threshold. */
export interface RequestLogSink {
  /** pino's numeric level below which nothing is written (Infinity when silent). */
  minLevel: number;
  pid: number;
  write(line: string): void;
}

/** Injection token of the RequestLogSink. */
export const REQUEST_LOG_SINK = Symbol('REQUEST_LOG_SINK');

/** pino's numeric levels, so request lines read like every other log line. */
const DEBUG = 20;
const INFO = 30;
const WARN = 40;
const ERROR = 50;

/** Orchestrator and scraper probes: answered constantly, logged only at debug (or on a 5xx). */
const PROBE_ROUTES = new Set(['/health', '/ready', '/metrics']);

/**
 * Writes exactly one structured line per request from a Fastify onResponse hook: method, route
 * template, path (never the query string, which could carry a secret), status, duration, request
 * id and the id of the API key — never the key. The line is pino's JSON format built with one
 * JSON.stringify of fixed, secret-free fields and written to the app logger's stream: through
 * the app logger its wildcard redaction made each line 1.6–4.6× dearer, and the pino-http setup
 * this replaces cost 1.3–6.6× as much per request (docs/PERFORMANCE.md); nothing here needs
 * redacting.
 */
@Injectable()
export class RequestLogHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(REQUEST_LOG_SINK) private readonly sink: RequestLogSink,
  ) {}

  onModuleInit(): void {
    // Absent in the CLI, which has no HTTP server.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const sink = this.sink;
    if (sink.minLevel > ERROR) return;
    fastify.addHook('onResponse', (request, reply, done) => {
      const status = reply.statusCode;
      const route = request.routeOptions.url;
      let level = status >= 500 ? ERROR : status >= 400 ? WARN : INFO;
      if (status < 500 && route !== undefined && PROBE_ROUTES.has(route)) level = DEBUG;
      if (level >= sink.minLevel) {
        const url = request.url;
        const query = url.indexOf('?');
        sink.write(
          JSON.stringify({
            level,
            time: new Date().toISOString(),
            pid: sink.pid,
            requestId: request.id,
            method: request.method,
            route: route ?? 'unmatched',
            path: query === -1 ? url : url.slice(0, query),
            status,
            durationMs: Math.round(reply.elapsedTime * 100) / 100,
            keyId: (request as WarehouseRequest).apiKey?.id,
            ip: request.ip,
            msg: 'request completed',
          }) + '\n',
        );
      }
      done();
    });
  }
}

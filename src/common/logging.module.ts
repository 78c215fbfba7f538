import { DynamicModule, Global, Module } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import pino from 'pino';

import { AppConfig } from '../config/app-config';
import { REQUEST_LOG_SINK, RequestLogHook, RequestLogSink } from './request-log.hook';

/** Paths pino redacts wherever they appear in a log line. */
export const REDACTED_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-api-key"]',
  'req.query.apiKey',
  'req.query.apikey',
  '*.apiKey',
  '*.apikey',
  '*.key',
  '*.keyHash',
  '*.key_hash',
  'apiKey',
  'key',
  'keyHash',
];

/**
 * pino structured JSON logs on stdout: Nest's own logging goes through nestjs-pino's Logger, and
 * RequestLogHook writes the one line per request. pino-http is deliberately not used: it builds a
 * child logger and serialises the request on every call, runs Nest middleware per request, and
 * sees only the raw path, never the route template. Costs measured in docs/PERFORMANCE.md.
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    const options = {
      level: config.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { pid: process.pid },
    };
    // One synchronous stdout stream shared by both loggers, so their lines never interleave.
    const stdout = pino.destination({ dest: 1, sync: true });
    const root = pino(
      { ...options, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
      stdout,
    );
    const requestLog: RequestLogSink = {
      minLevel: pino.levels.values[config.logLevel] ?? Number.POSITIVE_INFINITY,
      pid: process.pid,
      write: (line) => stdout.write(line),
    };
    return {
      module: LoggingModule,
      providers: [
        { provide: REQUEST_LOG_SINK, useValue: requestLog },
        {
          provide: Logger,
          useFactory: () => new Logger(new PinoLogger({ pinoHttp: { logger: root } }), {}),
        },
        RequestLogHook,
      ],
      exports: [Logger],
    };
  }
}

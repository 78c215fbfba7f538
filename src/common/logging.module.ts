import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

import { AppConfig } from '../config/app-config';

/** Paths pino redacts wherever they appear in a log line. */
export const REDACTED_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query.apiKey',
  'req.query.apikey',
  '*.apiKey',
  '*.apikey',
  '*.key',
  '*.keyHash',
  'apiKey',
  'key',
];

/**
 * pino structured JSON logs. One line per request (method, route, status, duration, request id),
 * secrets redacted, probes not logged at info.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          // Probes are answered constantly; a line for each would drown everything else.
          exclude: [
            { method: RequestMethod.ALL, path: 'health' },
            { method: RequestMethod.ALL, path: 'ready' },
            { method: RequestMethod.ALL, path: 'metrics' },
          ],
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req) => (req as { id?: string }).id ?? '',
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            customLogLevel: (_req, res, error) => {
              if (error || res.statusCode >= 500) return 'error';
              if (res.statusCode >= 400) return 'warn';
              return 'info';
            },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}

import 'reflect-metadata';

import cluster from 'node:cluster';

import { Logger } from '@nestjs/common';

import { runClusterPrimary } from './cluster-primary';
import { loadAppConfigOrExit } from './config/load-config';
import { createApp } from './create-app';

/** Longest a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000;

async function bootstrap(): Promise<void> {
  const config = loadAppConfigOrExit();
  if (config.api.workers > 1 && cluster.isPrimary) return runClusterPrimary(config);
  const app = await createApp(config);
  const logger = new Logger('Bootstrap');

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.log(`${signal} received: finishing in-flight requests, then stopping`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // app.close(): stop background work, drain HTTP, then close the database (and stop an
    // embedded server this process started).
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`error during shutdown: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await app.listen({ port: config.api.port, host: config.api.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  logger.log(`listening on http://${config.api.host}:${port} (docs at /docs)`);
}

bootstrap().catch((error: unknown) => {
  // Start-up failures (database unreachable, port in use) are one clear line, not a stack trace.
  process.stderr.write(
    `Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

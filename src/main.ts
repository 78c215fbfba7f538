import 'reflect-metadata';

import cluster from 'node:cluster';

import { Logger } from '@nestjs/common';

import { runClusterPrimary } from './cluster-primary';
import { loadAppConfigOrExit } from './config/load-config';
import { createApp } from './create-app';
import { DrainState } from './health/drain-state';
import { shutdownDeadlineMs } from './health/shutdown';

async function bootstrap(): Promise<void> {
  const config = loadAppConfigOrExit();
  if (config.api.workers > 1 && cluster.isPrimary) return runClusterPrimary(config);
  const app = await createApp(config);
  const logger = new Logger('Bootstrap');

  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    const deadline = shutdownDeadlineMs(config);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${deadline} ms; exiting anyway`);
      process.exit(1);
    }, deadline).unref();
    // SIGTERM (an orchestrator): /ready fails first while requests are still served, so load
    // balancers polling it stop sending traffic before the listener closes. SIGINT (a person at
    // a terminal) skips that wait.
    app.get(DrainState).begin();
    const drainMs = signal === 'SIGTERM' ? config.api.shutdownDrainMs : 0;
    logger.log(`${signal} received: draining for ${drainMs} ms, then stopping`);
    await new Promise((resolve) => setTimeout(resolve, drainMs));
    try {
      // app.close(): stop background work (a running backfill records `interrupted`), close the
      // listener and wait for in-flight requests, then close the database (and stop an embedded
      // server this process started).
      await app.close();
      process.exit(0);
    } catch (error) {
      logger.error(`error during shutdown: ${String(error)}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));

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

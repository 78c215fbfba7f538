import cluster, { Worker } from 'node:cluster';

import { Logger } from '@nestjs/common';

import { AppConfig } from './config/app-config';
import { DatabaseConnector } from './database/database-connector';
import { shutdownDeadlineMs } from './health/shutdown';
import { relayMetricsGathering } from './metrics/cluster-metrics';

/** A worker that dies sooner than this after starting is not restarted (a crash loop). */
const MIN_WORKER_LIFETIME_MS = 5_000;

/**
 * With API_WORKERS > 1 the primary process prepares the database once (starts the embedded
 * server if there is one, applies migrations), then forks the HTTP workers, which share the
 * listening port. Workers attach to the same database; the scheduler's advisory lock makes sure
 * only one of them runs a scheduled backfill; a metrics scrape answered by any worker reports
 * them all (the primary relays, see cluster-metrics.ts). On SIGTERM the primary asks every worker to drain,
 * waits for them, then stops the embedded database it started.
 */
export async function runClusterPrimary(config: AppConfig): Promise<void> {
  const logger = new Logger('Cluster');
  const connector = new DatabaseConnector(config);
  const dataSource = await connector.connect({ migrate: config.database.runMigrations });
  await dataSource.destroy();

  let stopping = false;
  const startedAt = new Map<number, number>();
  const fork = (): Worker => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    logger.error(`worker ${worker.process.pid} exited (${signal ?? code}) after ${lived} ms`);
    if (lived >= MIN_WORKER_LIFETIME_MS) fork();
    else if (Object.keys(cluster.workers ?? {}).length === 0) void stop(1);
  });

  const stop = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Each worker drains on its own clock; allow a little beyond a worker's own deadline.
    setTimeout(() => process.exit(1), shutdownDeadlineMs(config) + 1_000).unref();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    await connector.close();
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void stop(0));
  process.once('SIGINT', () => void stop(0));

  relayMetricsGathering();
  for (let i = 0; i < config.api.workers; i++) fork();
  logger.log(`primary ${process.pid} started ${config.api.workers} workers`);
}

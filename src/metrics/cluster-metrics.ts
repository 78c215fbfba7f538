import cluster, { Worker } from 'node:cluster';

import { Logger } from '@nestjs/common';
import { AggregatorRegistry, MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

import { registry } from './instruments';

/**
 * With API_WORKERS > 1 every worker counts its own requests, queries and runs; a scrape answered
 * by one worker must report them all, or counters jump backwards between scrapes. The worker that
 * answers asks the primary, the primary asks every worker for its registry as JSON, and the
 * answering worker merges the replies with prom-client's AggregatorRegistry.aggregate (counters
 * and histograms add up; each metric's `aggregator` says otherwise, e.g. `max` for breakers).
 *
 * The primary only relays: it holds no metrics of its own and never parses them.
 */
type Metrics = MetricObjectWithValues<MetricValue<string>>[];

interface Message {
  type: string;
  id: number;
}
interface CollectedMessage extends Message {
  metrics: Metrics;
}
interface GatheredMessage extends Message {
  metrics: Metrics[];
  missing: number;
}

const GATHER = 'mdw:metrics:gather'; // worker -> primary: gather everyone's metrics for me
const COLLECT = 'mdw:metrics:collect'; // primary -> each worker: send me your metrics
const COLLECTED = 'mdw:metrics:collected'; // worker -> primary: here they are
const GATHERED = 'mdw:metrics:gathered'; // primary -> asking worker: everyone's metrics

/** How long the primary waits for the workers, and a worker for the primary. */
const PRIMARY_WAIT_MS = 3_000;
const WORKER_WAIT_MS = 5_000;

const isMessage = (value: unknown, type: string): value is Message =>
  typeof value === 'object' && value !== null && (value as Message).type === type;

/** In the primary (cluster-primary.ts): answers workers' gather requests. */
export function relayMetricsGathering(): void {
  const logger = new Logger('ClusterMetrics');
  let nextId = 0;
  const pending = new Map<number, (worker: Worker, metrics: Metrics) => void>();

  cluster.on('message', (worker, message: unknown) => {
    if (isMessage(message, COLLECTED)) {
      pending.get(message.id)?.(worker, (message as CollectedMessage).metrics);
      return;
    }
    if (!isMessage(message, GATHER)) return;
    const asker = worker;
    const askerId = message.id;
    const id = nextId++;
    const workers = Object.values(cluster.workers ?? {}).filter(
      (w): w is Worker => !!w && w.isConnected(),
    );
    const replies: Metrics[] = [];
    const answered = new Set<number>();
    const finish = (): void => {
      if (!pending.delete(id)) return;
      clearTimeout(timer);
      const missing = workers.length - answered.size;
      if (missing > 0) logger.warn(`${missing} worker(s) did not report metrics in time`);
      const reply: GatheredMessage = { type: GATHERED, id: askerId, metrics: replies, missing };
      if (asker.isConnected()) asker.send(reply);
    };
    const timer = setTimeout(finish, PRIMARY_WAIT_MS);
    pending.set(id, (from, metrics) => {
      if (answered.has(from.id)) return;
      answered.add(from.id);
      replies.push(metrics);
      if (answered.size === workers.length) finish();
    });
    for (const w of workers) w.send({ type: COLLECT, id } satisfies Message);
  });
}

let responderInstalled = false;
let nextGatherId = 0;
const gathers = new Map<number, (message: GatheredMessage) => void>();

/** In a worker: answer the primary's collect requests, and receive gathered replies. */
function installWorkerListener(): void {
  if (responderInstalled) return;
  responderInstalled = true;
  process.on('message', (message: unknown) => {
    if (isMessage(message, COLLECT)) {
      void registry.getMetricsAsJSON().then((metrics) => {
        const reply: CollectedMessage = { type: COLLECTED, id: message.id, metrics };
        process.send?.(reply);
      });
    } else if (isMessage(message, GATHERED)) {
      gathers.get(message.id)?.(message as GatheredMessage);
    }
  });
}

export interface ProcessMetrics {
  /** The process metrics of every worker, aggregated (this process's own without workers). */
  registry: Registry;
  /** How many processes it covers. */
  processes: number;
}

/** This process's metrics, or in a cluster worker every worker's, aggregated. */
export async function gatherProcessMetrics(): Promise<ProcessMetrics> {
  if (!cluster.isWorker || !process.send) return { registry, processes: 1 };
  installWorkerListener();
  const id = nextGatherId++;
  const gathered = await new Promise<GatheredMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      gathers.delete(id);
      reject(new Error('the cluster primary did not return the workers’ metrics in time'));
    }, WORKER_WAIT_MS);
    gathers.set(id, (message) => {
      clearTimeout(timer);
      gathers.delete(id);
      resolve(message);
    });
    process.send!({ type: GATHER, id } satisfies Message);
  });
  return {
    registry: AggregatorRegistry.aggregate(gathered.metrics),
    processes: gathered.metrics.length,
  };
}

/** Installed at start-up in workers, so the first collect request finds a listener. */
export function listenForMetricsCollection(): void {
  if (cluster.isWorker) installWorkerListener();
}

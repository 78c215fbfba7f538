import { Injectable } from '@nestjs/common';

import { DataSummaryDto, MetricsSummaryDto } from './dto/metrics-summary.dto';
import {
  backfillRuns,
  barsWritten,
  cacheRequests,
  circuitBreakerState,
  dataActiveSymbols,
  dataBars,
  dataOpenGaps,
  dbPoolConnections,
  dbQueryDuration,
  dbQueryErrors,
  dbReadPoolConnections,
  dbSlowQueries,
  httpRequests,
  lastSuccessfulSeriesRun,
  registry,
  upstreamRequests,
  upstreamRetries,
} from './instruments';
import { MetricsRepository, PoolCounts } from './metrics.repository';
import {
  Sample,
  summarizeBackfill,
  summarizeCache,
  summarizeQueries,
  summarizeRequests,
} from './metrics-summary.builder';

/** Reads the instruments for /metrics (Prometheus text) and /api/v1/metrics (JSON). */
@Injectable()
export class MetricsService {
  private readonly startedAt = Date.now();

  constructor(private readonly repository: MetricsRepository) {}

  get contentType(): string {
    return registry.contentType;
  }

  async prometheusText(): Promise<string> {
    await this.refreshGauges();
    return registry.metrics();
  }

  async summary(): Promise<MetricsSummaryDto> {
    const [data, pool, readPool] = await this.refreshGauges();
    const memory = process.memoryUsage();
    const samples = async (metric: { get(): Promise<{ values: unknown[] }> }) =>
      (await metric.get()).values as Sample[];
    const [
      cache,
      queries,
      queryErrors,
      slow,
      runs,
      written,
      upstream,
      retries,
      circuits,
      lastSuccess,
    ] = await Promise.all([
      samples(cacheRequests),
      samples(dbQueryDuration),
      samples(dbQueryErrors),
      samples(dbSlowQueries),
      samples(backfillRuns),
      samples(barsWritten),
      samples(upstreamRequests),
      samples(upstreamRetries),
      samples(circuitBreakerState),
      samples(lastSuccessfulSeriesRun),
    ]);
    return {
      generatedAt: new Date().toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 100) / 10,
      requests: summarizeRequests(httpRequests.series()),
      cache: summarizeCache(cache),
      database: { ...summarizeQueries(queries, queryErrors, slow), pool, readPool },
      backfill: summarizeBackfill({
        runs,
        barsWritten: written,
        upstreamRequests: upstream,
        upstreamRetries: retries,
        circuitBreakers: circuits,
        lastSuccess,
      }),
      data,
      process: {
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
      },
    };
  }

  /** Sets the gauges that are read from the database and the pool rather than counted. */
  private async refreshGauges(): Promise<[DataSummaryDto, PoolCounts, PoolCounts]> {
    const pool = this.repository.readPool();
    const readPool = this.repository.barReadPool();
    for (const state of ['total', 'idle', 'waiting'] as const) {
      dbPoolConnections.set({ state }, pool[state]);
      dbReadPoolConnections.set({ state }, readPool[state]);
    }
    // Each scrape reads the database: the queries are index-only counts and a catalogue read,
    // cheap enough for any sane scrape interval, and a cached figure would hide a fresh gap.
    const data = await this.repository.readDataTotals();
    dataBars.set(data.bars);
    dataOpenGaps.set(data.openGaps);
    dataActiveSymbols.set(data.activeSymbols);
    return [data, pool, readPool];
  }
}

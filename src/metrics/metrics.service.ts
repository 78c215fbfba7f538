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
  dbSlowQueries,
  httpRequests,
  lastSuccessfulSeriesRun,
  registry,
  upstreamRequests,
  upstreamRetries,
} from './instruments';
import { MetricsRepository } from './metrics.repository';
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
    const [data, pool] = await this.refreshGauges();
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
      database: { ...summarizeQueries(queries, queryErrors, slow), pool },
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
  private async refreshGauges(): Promise<
    [DataSummaryDto, ReturnType<MetricsRepository['readPool']>]
  > {
    const pool = this.repository.readPool();
    dbPoolConnections.set({ state: 'total' }, pool.total);
    dbPoolConnections.set({ state: 'idle' }, pool.idle);
    dbPoolConnections.set({ state: 'waiting' }, pool.waiting);
    // Each scrape reads the database: the queries are index-only counts and a catalogue read,
    // cheap enough for any sane scrape interval, and a cached figure would hide a fresh gap.
    const data = await this.repository.readDataTotals();
    dataBars.set(data.bars);
    dataOpenGaps.set(data.openGaps);
    dataActiveSymbols.set(data.activeSymbols);
    return [data, pool];
  }
}

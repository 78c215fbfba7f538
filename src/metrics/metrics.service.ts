import { Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';

import { gatherProcessMetrics } from './cluster-metrics';
import { DataSummaryDto, MetricsSummaryDto, PoolSummaryDto } from './dto/metrics-summary.dto';
import {
  dataActiveSymbols,
  dataBars,
  dataOpenGaps,
  dataRegistry,
  observePools,
  registry,
} from './instruments';
import { MetricsRepository } from './metrics.repository';
import {
  httpSeriesFromSamples,
  Sample,
  summarizeBackfill,
  summarizeCache,
  summarizeQueries,
  summarizeRequests,
} from './metrics-summary.builder';

/**
 * Reads the instruments for /metrics (Prometheus text) and /api/v1/metrics (JSON). Both read
 * the same registry: this process's, or with API_WORKERS > 1 every worker's, aggregated
 * (cluster-metrics.ts), plus the data gauges read from the database once per scrape.
 */
@Injectable()
export class MetricsService {
  private readonly startedAt = Date.now();

  constructor(private readonly repository: MetricsRepository) {
    observePools({ pool: () => repository.readPool(), readPool: () => repository.barReadPool() });
  }

  get contentType(): string {
    return registry.contentType;
  }

  async prometheusText(): Promise<string> {
    const [{ registry: processes }] = await Promise.all([
      gatherProcessMetrics(),
      this.refreshDataGauges(),
    ]);
    return Registry.merge([processes, dataRegistry]).metrics();
  }

  async summary(): Promise<MetricsSummaryDto> {
    const [{ registry: processes, processes: count }, data] = await Promise.all([
      gatherProcessMetrics(),
      this.refreshDataGauges(),
    ]);
    const samples = async (name: string): Promise<Sample[]> =>
      (await processes.getSingleMetric(name)?.get())?.values ?? [];
    const total = async (name: string): Promise<number> =>
      (await samples(name)).reduce((sum, s) => sum + s.value, 0);
    const pool = async (name: string): Promise<PoolSummaryDto> => {
      const byState = new Map((await samples(name)).map((s) => [s.labels.state, s.value]));
      return {
        total: byState.get('total') ?? 0,
        idle: byState.get('idle') ?? 0,
        waiting: byState.get('waiting') ?? 0,
      };
    };
    const [
      http,
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
    ] = await Promise.all(
      [
        'http_request_duration_seconds',
        'cache_requests_total',
        'db_query_duration_seconds',
        'db_query_errors_total',
        'db_slow_queries_total',
        'backfill_runs_total',
        'backfill_bars_written_total',
        'upstream_requests_total',
        'upstream_retries_total',
        'upstream_circuit_breaker_state',
        'backfill_series_last_success_timestamp_seconds',
      ].map(samples),
    );
    return {
      generatedAt: new Date().toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 100) / 10,
      processes: count,
      requests: summarizeRequests(httpSeriesFromSamples(http)),
      cache: summarizeCache(cache),
      database: {
        ...summarizeQueries(queries, queryErrors, slow),
        pool: await pool('db_pool_connections'),
        readPool: await pool('db_read_pool_connections'),
      },
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
        rssBytes: await total('process_resident_memory_bytes'),
        heapUsedBytes: await total('nodejs_heap_size_used_bytes'),
        heapTotalBytes: await total('nodejs_heap_size_total_bytes'),
      },
    };
  }

  /** The gauges read from the database rather than counted. */
  private async refreshDataGauges(): Promise<DataSummaryDto> {
    // Each scrape reads the database: the queries are index-only counts and a catalogue read,
    // cheap enough for any sane scrape interval, and a cached figure would hide a fresh gap.
    const data = await this.repository.readDataTotals();
    dataBars.set(data.bars);
    dataOpenGaps.set(data.openGaps);
    dataActiveSymbols.set(data.activeSymbols);
    return data;
  }
}

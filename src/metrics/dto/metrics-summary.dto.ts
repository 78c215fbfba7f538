import { ApiProperty } from '@nestjs/swagger';

// Response shapes of GET /api/v1/metrics, declared as classes so /docs-json describes them.

export class LatencySummaryDto {
  @ApiProperty({ description: 'Requests or queries counted' })
  count!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Median latency, ms (null: none yet)' })
  p50Ms!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '95th percentile latency, ms' })
  p95Ms!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '99th percentile latency, ms' })
  p99Ms!: number | null;
}

export class RouteSummaryDto extends LatencySummaryDto {
  @ApiProperty({ example: 'GET' })
  method!: string;

  @ApiProperty({ example: '/api/v1/historical/:symbol', description: 'Route template' })
  route!: string;

  @ApiProperty({ description: 'Responses with a 5xx status' })
  errors!: number;

  @ApiProperty({ description: 'Responses with a 4xx status' })
  clientErrors!: number;
}

export class RequestsSummaryDto extends LatencySummaryDto {
  @ApiProperty({ description: 'Responses with a 5xx status' })
  errors!: number;

  @ApiProperty({ description: 'Responses with a 4xx status' })
  clientErrors!: number;

  @ApiProperty({ type: [RouteSummaryDto], description: 'Busiest routes first' })
  routes!: RouteSummaryDto[];
}

export class CacheSummaryDto {
  @ApiProperty()
  hits!: number;

  @ApiProperty()
  misses!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'hits / (hits + misses), 0..1' })
  hitRate!: number | null;
}

export class QueryMethodSummaryDto extends LatencySummaryDto {
  @ApiProperty({ example: 'BarsRepository.findBarsInRange' })
  method!: string;

  @ApiProperty()
  errors!: number;
}

export class PoolSummaryDto {
  @ApiProperty({ description: 'Open connections' })
  total!: number;

  @ApiProperty({ description: 'Idle connections' })
  idle!: number;

  @ApiProperty({ description: 'Callers waiting for a connection' })
  waiting!: number;
}

export class DatabaseSummaryDto extends LatencySummaryDto {
  @ApiProperty()
  errors!: number;

  @ApiProperty({ description: 'Queries slower than SLOW_QUERY_MS' })
  slowQueries!: number;

  @ApiProperty({ type: [QueryMethodSummaryDto], description: 'Slowest p95 first' })
  methods!: QueryMethodSummaryDto[];

  @ApiProperty({ type: PoolSummaryDto, description: 'The pool of everything but bar reads' })
  pool!: PoolSummaryDto;

  @ApiProperty({ type: PoolSummaryDto, description: 'The bar-read pool (DATABASE_READ_POOL_SIZE)' })
  readPool!: PoolSummaryDto;
}

export class BackfillSummaryDto {
  @ApiProperty({ example: { succeeded: 3, failed: 1 }, description: 'Finished runs by status' })
  runs!: Record<string, number>;

  @ApiProperty()
  barsWritten!: number;

  @ApiProperty({ example: { polygon: { ok: 120, rate_limited: 2 } } })
  upstreamRequests!: Record<string, Record<string, number>>;

  @ApiProperty({ example: { polygon: 2 } })
  upstreamRetries!: Record<string, number>;

  @ApiProperty({
    example: { polygon: 'closed', 'polygon:reference': 'closed' },
    description:
      'closed, half-open or open: per provider its aggregates breaker, and under provider:reference the one of its corporate-actions endpoints',
  })
  circuitBreakers!: Record<string, string>;

  @ApiProperty({ type: String, nullable: true, description: 'Newest successful series backfill' })
  lastSuccessAt!: string | null;
}

export class DataSummaryDto {
  @ApiProperty({ description: 'Stored bars (planner estimate above 100k rows)' })
  bars!: number;

  @ApiProperty()
  openGaps!: number;

  @ApiProperty()
  activeSymbols!: number;
}

export class ProcessSummaryDto {
  @ApiProperty({ description: 'Resident memory, summed over the processes' })
  rssBytes!: number;

  @ApiProperty()
  heapUsedBytes!: number;

  @ApiProperty()
  heapTotalBytes!: number;
}

export class MetricsSummaryDto {
  @ApiProperty({ example: '2024-01-02T14:30:00.000Z' })
  generatedAt!: string;

  @ApiProperty({ description: 'Seconds since the answering process started' })
  uptimeSeconds!: number;

  @ApiProperty({
    description:
      'Processes whose figures are summed here: the API_WORKERS of this server (1 without workers). Several replicas behind a balancer are scraped one by one.',
  })
  processes!: number;

  @ApiProperty({ type: RequestsSummaryDto })
  requests!: RequestsSummaryDto;

  @ApiProperty({ type: CacheSummaryDto })
  cache!: CacheSummaryDto;

  @ApiProperty({ type: DatabaseSummaryDto })
  database!: DatabaseSummaryDto;

  @ApiProperty({ type: BackfillSummaryDto })
  backfill!: BackfillSummaryDto;

  @ApiProperty({ type: DataSummaryDto })
  data!: DataSummaryDto;

  @ApiProperty({ type: ProcessSummaryDto })
  process!: ProcessSummaryDto;
}

import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { MetricsSummaryDto } from './dto/metrics-summary.dto';
import { MetricsService } from './metrics.service';

@ApiTags('metrics')
@Controller('api/v1/metrics')
export class MetricsSummaryController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    type: MetricsSummaryDto,
    description:
      'Performance figures since start: requests (per route count, errors, p50/p95/p99 ms from the latency histogram), cache hit rate, database timings, backfill totals, data totals, process memory.',
  })
  summary(): Promise<MetricsSummaryDto> {
    return this.metrics.summary();
  }
}

import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiProduces,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Registry } from 'prom-client';

import { MetricsService } from './metrics.service';
import { MetricsAccessGuard } from './metrics-access.guard';

@ApiTags('metrics')
@Controller('metrics')
export class PrometheusMetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @UseGuards(MetricsAccessGuard)
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiSecurity('api-key')
  @ApiOkResponse({
    description:
      'Prometheus text exposition: HTTP requests by route template, process, database, cache, backfill and data metrics.',
    schema: { type: 'string' },
  })
  @ApiForbiddenResponse({
    description:
      'METRICS_ALLOW is set, the client is outside its ranges and sent no admin key (problem+json).',
  })
  scrape(): Promise<string> {
    return this.metrics.prometheusText();
  }
}

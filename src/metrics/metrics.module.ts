import { Module, OnModuleInit } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { listenForMetricsCollection } from './cluster-metrics';
import { configureSlowQueryThreshold } from './instruments';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsSummaryController } from './metrics-summary.controller';
import { PrometheusMetricsController } from './prometheus-metrics.controller';
import { RequestMetricsHook } from './request-metrics.hook';

/** Request metrics, the Prometheus registry at /metrics and the JSON figures at /api/v1/metrics. */
@Module({
  controllers: [PrometheusMetricsController, MetricsSummaryController],
  providers: [MetricsService, MetricsRepository, MetricsAccessGuard, RequestMetricsHook],
})
export class MetricsModule implements OnModuleInit {
  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    configureSlowQueryThreshold(this.config.database.slowQueryMs);
    listenForMetricsCollection();
  }
}

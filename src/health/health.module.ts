import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { DrainState } from './drain-state';
import { HealthController } from './health.controller';
import { ReadinessIndicator } from './readiness.indicator';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ReadinessIndicator, DrainState],
  exports: [DrainState],
})
export class HealthModule {}

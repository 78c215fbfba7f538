import { Module } from '@nestjs/common';

import { Clock } from '../common/clock';
import { GapDetectionService } from './gap-detection.service';
import { GapsRepository } from './gaps.repository';
import { GapsService } from './gaps.service';

/**
 * Data quality: validation rules (pure functions, used by the bar writer), exchange calendars,
 * gap detection after writes and the gap queries behind the admin API.
 */
@Module({
  providers: [Clock, GapsRepository, GapsService, GapDetectionService],
  exports: [GapsService, GapDetectionService],
})
export class QualityModule {}

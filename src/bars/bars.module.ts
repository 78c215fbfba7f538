import { Module } from '@nestjs/common';

import { Clock } from '../common/clock';
import { BarQueryResolver } from './bar-query.resolver';
import { BarsController } from './bars.controller';
import { BarsRepository } from './bars.repository';
import { BarsService } from './bars.service';
import { BarsCache } from './bars-cache';
import { BarsChangeListener } from './bars-change.listener';
import { HistoricalFastLane } from './historical-fast-lane';

/** Bar reads: the historical endpoints, on-the-fly aggregation, cursors, CSV, the read cache. */
@Module({
  controllers: [BarsController],
  providers: [
    Clock,
    BarQueryResolver,
    BarsCache,
    BarsChangeListener,
    BarsRepository,
    BarsService,
    HistoricalFastLane,
  ],
  exports: [BarsCache, BarsService, HistoricalFastLane],
})
export class BarsModule {}

import { Module } from '@nestjs/common';

import { Clock } from '../common/clock';
import { BarsService } from './bars.service';
import { BarsCache } from './cache/bars-cache';
import { BarsChangeListener } from './cache/bars-change.listener';
import { BarsController } from './http/bars.controller';
import { HistoricalFastLane } from './http/historical-fast-lane';
import { BarQueryResolver } from './query/bar-query.resolver';
import { BarColumnsRepository } from './read/bar-columns.repository';
import { BarsRepository } from './read/bars.repository';

/** Bar reads: the historical endpoints, on-the-fly aggregation, cursors, CSV, Arrow, the read cache. */
@Module({
  controllers: [BarsController],
  providers: [
    Clock,
    BarQueryResolver,
    BarsCache,
    BarsChangeListener,
    BarColumnsRepository,
    BarsRepository,
    BarsService,
    HistoricalFastLane,
  ],
  exports: [BarsCache, BarsService, HistoricalFastLane],
})
export class BarsModule {}

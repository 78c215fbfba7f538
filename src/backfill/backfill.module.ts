import { Module } from '@nestjs/common';

import { Clock } from '../common/clock';
import { CorporateActionsModule } from '../corporate-actions';
import { QualityModule } from '../quality';
import { BackfillPlanner } from './backfill-planner';
import { BackfillRunner } from './backfill-runner.service';
import { BackfillRunsRepository } from './backfill-runs.repository';
import { BackfillRunsService } from './backfill-runs.service';
import { BackfillSeriesRepository } from './backfill-series.repository';
import { BackfillStatusService } from './backfill-status.service';
import { BarWriter } from './bar-writer';
import { ProvidersModule } from './providers/providers.module';
import { SeriesWorker } from './series-worker';

/**
 * Backfill core, shared by the server and the CLI: the writer (also used by CSV import), the
 * planner and runner, run history, and the status the status endpoint shows. The HTTP side
 * (admin endpoints, scheduler, demo seed) is BackfillApiModule.
 */
@Module({
  imports: [ProvidersModule, QualityModule, CorporateActionsModule],
  providers: [
    Clock,
    BarWriter,
    BackfillRunsRepository,
    BackfillSeriesRepository,
    BackfillPlanner,
    SeriesWorker,
    BackfillRunner,
    BackfillRunsService,
    BackfillStatusService,
  ],
  exports: [
    BarWriter,
    BackfillStatusService,
    BackfillRunsService,
    BackfillRunner,
    // For the scheduler and demo seed in BackfillApiModule (same feature).
    BackfillRunsRepository,
    BackfillSeriesRepository,
    QualityModule,
  ],
})
export class BackfillModule {}

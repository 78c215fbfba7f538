import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

import { Clock } from '../common/clock';
import { BackfillController } from './backfill.controller';
import { BackfillModule } from './backfill.module';
import { BackfillAdminService } from './backfill-admin.service';
import { BackfillScheduler } from './backfill-scheduler.service';
import { DemoWarehouseSeeder } from './demo-warehouse.seeder';
import { GapsController } from './gaps.controller';

/**
 * The server's side of backfills: admin endpoints (runs, gaps, repair), the daily schedule and
 * the demo warehouse seed. The CLI imports only BackfillModule (no scheduler there).
 */
@Module({
  imports: [ScheduleModule.forRoot(), BackfillModule],
  controllers: [BackfillController, GapsController],
  providers: [Clock, BackfillAdminService, BackfillScheduler, DemoWarehouseSeeder],
  exports: [BackfillModule, BackfillScheduler],
})
export class BackfillApiModule {}

import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

import { Clock } from '../common/clock';
import { MinuteBarRetention } from './minute-bar-retention.service';
import { RetentionScheduler } from './retention.scheduler';

/** The minute-bar retention job, for the CLI (`retention:run`) and the server's schedule. */
@Module({
  providers: [Clock, MinuteBarRetention],
  exports: [MinuteBarRetention],
})
export class RetentionModule {}

/** The server's side: the hourly schedule. The CLI imports only RetentionModule. */
@Module({
  imports: [ScheduleModule.forRoot(), RetentionModule],
  providers: [RetentionScheduler],
})
export class RetentionScheduleModule {}

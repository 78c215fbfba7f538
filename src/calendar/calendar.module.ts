import { Module } from '@nestjs/common';

import { Clock } from '../common/clock';
import { CalendarController } from './calendar.controller';
import { CalendarService } from './calendar.service';

/** `GET /api/v1/calendar`: exchange sessions, holidays and half days. */
@Module({
  controllers: [CalendarController],
  providers: [CalendarService, Clock],
})
export class CalendarModule {}

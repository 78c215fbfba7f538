/** What the quality feature offers the rest of the application; other features import only this. */
export * from './bar-quality.rules';
export * from './calendars/calendar-dates';
export * from './calendars/calendar-for';
export * from './calendars/exchange-calendar';
export * from './dto/gaps-query.dto';
export * from './gap-detection.service';
export * from './gaps.service';
export * from './quality.module';

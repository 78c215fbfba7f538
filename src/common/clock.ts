import { Injectable } from '@nestjs/common';

/**
 * The current time behind an injectable, so services that default to "now" (query windows,
 * cache freshness) can be tested with a fixed clock instead of racing the wall clock.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that always answers the same instant (tests). */
export class FixedClock extends Clock {
  constructor(private readonly instant: Date) {
    super();
  }

  override now(): Date {
    return new Date(this.instant.getTime());
  }
}

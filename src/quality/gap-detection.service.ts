import { Injectable } from '@nestjs/common';

import { Clock } from '../common/clock';
import { calendarFor } from './calendars/calendar-for';
import { detectionWindow, findMissingSessions } from './gap-detection';
import { GapsRepository } from './gaps.repository';

const PRESENCE_MARGIN_MS = 2 * 86_400_000;

export interface SeriesToCheck {
  symbol: string;
  timeframe: '1m' | '1d';
  assetClass: string;
  exchange: string | null;
}

/** Runs gap detection for one series over the window a backfill just wrote. */
@Injectable()
export class GapDetectionService {
  constructor(
    private readonly gaps: GapsRepository,
    private readonly clock: Clock,
  ) {}

  /** Returns the number of missing sessions found (open or not yet available). */
  async detect(
    series: SeriesToCheck,
    windowFrom: Date,
    windowTo: Date,
    runId: string | null,
  ): Promise<number> {
    const calendar = calendarFor(series.assetClass, series.exchange);
    const now = this.clock.now();
    const presence = await this.gaps.findSeriesPresence(
      series.symbol,
      series.timeframe,
      calendar.timeZone,
      new Date(windowFrom.getTime() - PRESENCE_MARGIN_MS),
      new Date(windowTo.getTime() + PRESENCE_MARGIN_MS),
    );
    const window = detectionWindow(calendar, windowFrom, windowTo, presence, now);
    if (!window) return 0;
    const missing = findMissingSessions(calendar, series.timeframe, window, presence, now);
    await this.gaps.reconcileWindow(
      series.symbol,
      series.timeframe,
      window.from,
      window.to,
      missing,
      runId,
    );
    return missing.length;
  }
}

import { Injectable } from '@nestjs/common';

import { GapRow, GapsRepository, GapStatus } from './gaps.repository';

export interface GapView {
  id: string;
  symbol: string;
  timeframe: '1m' | '1d';
  from: string;
  to: string;
  expectedBars: number | null;
  status: GapStatus;
  detectedAt: string;
  resolvedAt: string | null;
}

export interface GapSeriesWindow {
  symbol: string;
  timeframe: '1m' | '1d';
  from: Date;
  to: Date;
  openGaps: number;
}

/** Reads gaps for the admin API and answers the repair run's questions. */
@Injectable()
export class GapsService {
  constructor(private readonly gaps: GapsRepository) {}

  async list(filter: {
    symbol?: string;
    status?: GapStatus;
    limit: number;
    offset: number;
  }): Promise<{ count: number; total: number; gaps: GapView[] }> {
    const { rows, total } = await this.gaps.findGaps(filter);
    return { count: rows.length, total, gaps: rows.map(toView) };
  }

  /** Per series, the window spanning all of its open gaps. */
  async openGapWindows(symbols?: string[]): Promise<GapSeriesWindow[]> {
    const rows = await this.gaps.findOpenGapWindows();
    return rows
      .filter((row) => !symbols?.length || symbols.includes(row.symbol))
      .map((row) => ({
        symbol: row.symbol,
        timeframe: row.timeframe,
        from: row.from_ts,
        to: row.to_ts,
        openGaps: Number(row.gaps),
      }));
  }

  /** After a successful repair fetch, gaps still open in the window are confirmed empty. */
  async confirmEmpty(
    series: { symbol: string; timeframe: string },
    from: Date,
    to: Date,
    runId: string,
  ): Promise<number> {
    return this.gaps.confirmEmpty(series.symbol, series.timeframe, from, to, runId);
  }
}

function toView(row: GapRow): GapView {
  return {
    id: String(row.id),
    symbol: row.symbol,
    timeframe: row.timeframe,
    from: row.from_ts.toISOString(),
    to: row.to_ts.toISOString(),
    expectedBars: row.expected_bars,
    status: row.status,
    detectedAt: row.detected_at.toISOString(),
    resolvedAt: row.resolved_at ? row.resolved_at.toISOString() : null,
  };
}

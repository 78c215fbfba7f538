import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { timed } from '../metrics';

export type GapStatus = 'open' | 'not_yet_available' | 'repaired' | 'confirmed_empty';

export const GAP_STATUSES: readonly GapStatus[] = [
  'open',
  'not_yet_available',
  'repaired',
  'confirmed_empty',
];

export interface GapRow {
  id: string;
  symbol: string;
  timeframe: '1m' | '1d';
  from_ts: Date;
  to_ts: Date;
  expected_bars: number | null;
  status: GapStatus;
  detected_at: Date;
  resolved_at: Date | null;
}

export interface MissingSession {
  from: Date;
  to: Date;
  expectedBars: number;
  status: 'open' | 'not_yet_available';
}

export interface SeriesPresence {
  firstBarAt: Date | null;
  lastBarAt: Date | null;
  /** Exchange-local dates (YYYY-MM-DD) within the window that have at least one bar. */
  dates: Set<string>;
}

/** All SQL about `data_gaps`, plus the bar-presence query gap detection needs. */
@Injectable()
export class GapsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One query: the series' first and last bar and the local dates with bars in the window. */
  async findSeriesPresence(
    symbol: string,
    timeframe: string,
    timeZone: string,
    from: Date,
    to: Date,
  ): Promise<SeriesPresence> {
    const params = [symbol, timeframe, timeZone, from, to];
    const rows: { first_bar_at: Date | null; last_bar_at: Date | null; dates: string[] | null }[] =
      await timed(
        'GapsRepository.findSeriesPresence',
        () =>
          this.dataSource.query(
            `SELECT (SELECT min(ts) FROM bars WHERE symbol = $1 AND timeframe = $2) AS first_bar_at,
                    (SELECT max(ts) FROM bars WHERE symbol = $1 AND timeframe = $2) AS last_bar_at,
                    (SELECT array_agg(DISTINCT (ts AT TIME ZONE $3)::date::text) FROM bars
                      WHERE symbol = $1 AND timeframe = $2 AND ts >= $4 AND ts < $5) AS dates`,
            params,
          ),
        params,
      );
    const row = rows[0];
    return {
      firstBarAt: row.first_bar_at,
      lastBarAt: row.last_bar_at,
      dates: new Set(row.dates ?? []),
    };
  }

  /**
   * Reconciles the gaps of one series within [from, to): the sessions found missing are inserted
   * (or their status refreshed while unresolved), and unresolved gaps of the window that are no
   * longer missing become `repaired`. Resolved gaps (repaired, confirmed_empty) stay as they are.
   */
  async reconcileWindow(
    symbol: string,
    timeframe: string,
    from: Date,
    to: Date,
    missing: MissingSession[],
    runId: string | null,
  ): Promise<void> {
    const params = [
      symbol,
      timeframe,
      from,
      to,
      JSON.stringify(
        missing.map((gap) => ({
          from_ts: gap.from.toISOString(),
          to_ts: gap.to.toISOString(),
          expected_bars: gap.expectedBars,
          status: gap.status,
        })),
      ),
      runId,
    ];
    await timed(
      'GapsRepository.reconcileWindow',
      () =>
        this.dataSource.query(
          `WITH missing AS (
             SELECT * FROM jsonb_to_recordset($5::jsonb)
                      AS m(from_ts timestamptz, to_ts timestamptz, expected_bars int, status text)
           ), filled AS (
             UPDATE data_gaps g SET status = 'repaired', resolved_at = now(), run_id = $6
              WHERE g.symbol = $1 AND g.timeframe = $2 AND g.from_ts >= $3 AND g.from_ts < $4
                AND g.status IN ('open', 'not_yet_available')
                AND NOT EXISTS (SELECT 1 FROM missing m WHERE m.from_ts = g.from_ts)
           )
           INSERT INTO data_gaps (symbol, timeframe, from_ts, to_ts, expected_bars, status, run_id)
           SELECT $1, $2, m.from_ts, m.to_ts, m.expected_bars, m.status, $6 FROM missing m
           ON CONFLICT (symbol, timeframe, from_ts) DO UPDATE
              SET status = EXCLUDED.status, to_ts = EXCLUDED.to_ts, run_id = EXCLUDED.run_id
            WHERE data_gaps.status IN ('open', 'not_yet_available')
              AND data_gaps.status <> EXCLUDED.status`,
          params,
        ),
      params,
    );
  }

  /** Gaps of one series still open within [from, to) after a repair fetch: upstream has nothing. */
  async confirmEmpty(
    symbol: string,
    timeframe: string,
    from: Date,
    to: Date,
    runId: string,
  ): Promise<number> {
    const rows: unknown[] = await timed('GapsRepository.confirmEmpty', () =>
      this.dataSource.query(
        `UPDATE data_gaps SET status = 'confirmed_empty', resolved_at = now(), run_id = $5
          WHERE symbol = $1 AND timeframe = $2 AND from_ts >= $3 AND from_ts < $4
            AND status = 'open'
          RETURNING id`,
        [symbol, timeframe, from, to, runId],
      ),
    );
    return rows.length;
  }

  async findGaps(filter: {
    symbol?: string;
    status?: GapStatus;
    limit: number;
    offset: number;
  }): Promise<{ rows: GapRow[]; total: number }> {
    const params = [filter.symbol ?? null, filter.status ?? null, filter.limit, filter.offset];
    const rows: (GapRow & { total: string })[] = await timed(
      'GapsRepository.findGaps',
      () =>
        this.dataSource.query(
          `SELECT id, symbol, timeframe, from_ts, to_ts, expected_bars, status, detected_at,
                  resolved_at, count(*) OVER () AS total
             FROM data_gaps
            WHERE ($1::text IS NULL OR symbol = $1) AND ($2::text IS NULL OR status = $2)
            ORDER BY symbol, timeframe, from_ts
            LIMIT $3 OFFSET $4`,
          params,
        ),
      params,
    );
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
  }

  /** Open gaps grouped by series: the windows a repair run re-fetches. */
  async findOpenGapWindows(): Promise<
    { symbol: string; timeframe: '1m' | '1d'; from_ts: Date; to_ts: Date; gaps: string }[]
  > {
    return timed('GapsRepository.findOpenGapWindows', () =>
      this.dataSource.query(
        `SELECT symbol, timeframe, min(from_ts) AS from_ts, max(to_ts) AS to_ts, count(*) AS gaps
           FROM data_gaps WHERE status = 'open'
          GROUP BY symbol, timeframe ORDER BY symbol, timeframe`,
      ),
    );
  }
}

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';

import { SERIES_CHANGED_CHANNEL, SeriesChanges } from '../common/series-changes';
import { acquireRawConnection } from '../database/raw-pg-client';
import type { Bar } from '../market/bar';
import type { BaseTimeframe } from '../market/timeframes';
import { barsWritten } from '../metrics';
import { BarQuality, scoreBars, SeriesContext, VALIDATED_THRESHOLD } from '../quality';

export interface SeriesKey {
  symbol: string;
  timeframe: BaseTimeframe;
}

export interface WriteOptions {
  /** Stored on each bar: 'polygon' | 'synthetic' | 'csv'. */
  source: string;
  /**
   * How far the series is known to be complete after this batch (defaults to its newest bar).
   * The runner advances it to the end of the requested window once the last page is written.
   */
  coveredTo?: Date;
}

/** Volumes of this many stored bars before a batch feed the volume-anomaly median. */
const TAIL_VOLUMES = 100;
/** Rows per chunk pushed into COPY: large enough to amortise stream overhead. */
const COPY_CHUNK_ROWS = 2_000;
const UNIQUE_VIOLATION = '23505';

/**
 * Writes a batch of one series in one transaction: the bars are scored (quality rules) and
 * stored, together with the series watermark and a `bars_changed` notification. A crash at any
 * point leaves either the whole batch or none of it, and writing the same batch twice changes
 * nothing (`written` is 0 the second time).
 *
 * Two ways in, both COPY-based because COPY parses rows several times faster than bound
 * parameters (docs/PERFORMANCE.md, ingest):
 * - Appending (the batch starts after the series' newest stored bar, the usual case for a
 *   backfill): COPY straight into `bars`. Should another process have written the same bars
 *   meanwhile, the unique violation rolls back to a savepoint and the batch takes the other way.
 * - Overlapping (re-runs, repairs, imports of old data): COPY into a temporary staging table,
 *   then one set-based upsert that only touches rows whose data actually changed.
 */
@Injectable()
export class BarWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: SeriesChanges,
  ) {}

  async writeBatch(
    series: SeriesKey,
    bars: readonly Bar[],
    options: WriteOptions,
  ): Promise<{ written: number }> {
    const ordered = dedupeAscending(bars);
    if (ordered.length === 0) return { written: 0 };
    const connection = await acquireRawConnection(this.dataSource);
    let written = 0;
    try {
      const client = connection.client;
      await client.query('BEGIN');
      try {
        const { context, newestStored } = await this.loadContext(client, series, ordered);
        const quality = scoreBars(ordered, context);
        const appended =
          newestStored === null || newestStored < ordered[0].ts
            ? await this.append(client, series, ordered, quality, options.source)
            : null;
        written =
          appended ?? (await this.upsertStaged(client, series, ordered, quality, options.source));
        const newest = new Date(ordered[ordered.length - 1].ts);
        const coveredTo =
          options.coveredTo && options.coveredTo > newest ? options.coveredTo : newest;
        await client.query(
          `INSERT INTO series_watermarks (symbol, timeframe, last_bar_at, covered_to, updated_at)
           VALUES ($1, $2, $3, $4, now())
           ON CONFLICT (symbol, timeframe) DO UPDATE
              SET last_bar_at = GREATEST(series_watermarks.last_bar_at, EXCLUDED.last_bar_at),
                  covered_to = GREATEST(series_watermarks.covered_to, EXCLUDED.covered_to),
                  updated_at = now()`,
          [series.symbol, series.timeframe, newest, coveredTo],
        );
        if (written > 0) {
          await client.query(`SELECT pg_notify('${SERIES_CHANGED_CHANNEL}', $1)`, [
            `${series.symbol}:${series.timeframe}`,
          ]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      await connection.release();
    }
    if (written > 0) {
      barsWritten.inc(written);
      this.changes.publish(series.symbol, series.timeframe);
    }
    return { written };
  }

  /** COPY straight into `bars`; null when another writer got there first (nothing written). */
  private async append(
    client: PoolClient,
    series: SeriesKey,
    bars: readonly Bar[],
    quality: readonly BarQuality[],
    source: string,
  ): Promise<number | null> {
    await client.query('SAVEPOINT append_batch');
    try {
      const prefix = `${copyText(series.symbol)}\t${series.timeframe}\t`;
      const suffix = `\t${copyText(source)}`;
      await pipeline(
        Readable.from(
          copyRows(bars, quality, (bar) => prefix + utcTimestamp(bar.ts), suffix, true),
        ),
        client.query(
          copyFrom(
            `COPY bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades,
                        source, quality_score, flags, validated) FROM STDIN`,
          ),
        ),
      );
      await client.query('RELEASE SAVEPOINT append_batch');
      return bars.length;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      await client.query('ROLLBACK TO SAVEPOINT append_batch');
      return null;
    }
  }

  /** Stage with COPY, then one upsert that counts only inserted or actually changed rows. */
  private async upsertStaged(
    client: PoolClient,
    series: SeriesKey,
    bars: readonly Bar[],
    quality: readonly BarQuality[],
    source: string,
  ): Promise<number> {
    await client.query(`
      CREATE TEMP TABLE bar_staging (
        ts_ms bigint, open float8, high float8, low float8, close float8, volume float8,
        vwap float8, trades bigint, quality_score real, flags text[]
      ) ON COMMIT DROP`);
    await pipeline(
      Readable.from(copyRows(bars, quality, (bar) => String(bar.ts), '', false)),
      client.query(copyFrom('COPY bar_staging FROM STDIN')),
    );
    const upsert = await client.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades,
                         source, quality_score, flags, validated)
       SELECT $1, $2, to_timestamp(ts_ms / 1000.0), open, high, low, close, volume, vwap,
              trades, $3, quality_score, flags, quality_score >= ${VALIDATED_THRESHOLD}
         FROM bar_staging
       ON CONFLICT (symbol, timeframe, ts) DO UPDATE
          SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
              close = EXCLUDED.close, volume = EXCLUDED.volume, vwap = EXCLUDED.vwap,
              trades = EXCLUDED.trades, source = EXCLUDED.source,
              quality_score = EXCLUDED.quality_score, flags = EXCLUDED.flags,
              validated = EXCLUDED.validated, ingested_at = now()
        -- Only real changes count: a re-run of the same data rewrites nothing. The score is
        -- left out on purpose: it depends on the neighbouring bars the batch happened to see.
        WHERE (bars.open, bars.high, bars.low, bars.close, bars.volume, bars.vwap,
               bars.trades, bars.source)
              IS DISTINCT FROM
              (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume,
               EXCLUDED.vwap, EXCLUDED.trades, EXCLUDED.source)`,
      [series.symbol, series.timeframe, source],
    );
    return upsert.rowCount ?? 0;
  }

  /** Previous close, recent volumes, nearby splits and the newest stored bar: one round trip. */
  private async loadContext(
    client: PoolClient,
    series: SeriesKey,
    bars: readonly Bar[],
  ): Promise<{ context: SeriesContext; newestStored: number | null }> {
    const first = new Date(bars[0].ts);
    const last = new Date(bars[bars.length - 1].ts);
    const { rows } = await client.query<{
      prev_ts: Date | null;
      prev_close: number | null;
      newest_ts: Date | null;
      volumes: number[] | null;
      splits: Date[] | null;
    }>(
      `SELECT prev.ts AS prev_ts, prev.close AS prev_close,
              (SELECT max(ts) FROM bars WHERE symbol = $1 AND timeframe = $2) AS newest_ts,
              (SELECT array_agg(volume) FROM (
                 SELECT volume FROM bars
                  WHERE symbol = $1 AND timeframe = $2 AND ts < $3
                  ORDER BY ts DESC LIMIT ${TAIL_VOLUMES}) tail) AS volumes,
              -- A split applies from its execution day's exchange-local midnight: pre-market
              -- trading that day is already on the new basis, the previous post-market is not.
              (SELECT array_agg(sp.execution_date::timestamp AT TIME ZONE
                                coalesce(sy.time_zone, 'America/New_York'))
                 FROM splits sp LEFT JOIN symbols sy ON sy.symbol = sp.symbol
                WHERE sp.symbol = $1
                  AND sp.execution_date BETWEEN ($3::timestamptz - interval '10 days')::date
                                         AND ($4::timestamptz + interval '1 day')::date) AS splits
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT ts, close FROM bars
            WHERE symbol = $1 AND timeframe = $2 AND ts < $3
            ORDER BY ts DESC LIMIT 1) prev ON true`,
      [series.symbol, series.timeframe, first, last],
    );
    const row = rows[0];
    return {
      newestStored: row.newest_ts ? row.newest_ts.getTime() : null,
      context: {
        timeframe: series.timeframe,
        previous:
          row.prev_ts && row.prev_close !== null
            ? { ts: row.prev_ts.getTime(), close: row.prev_close }
            : null,
        tailVolumes: row.volumes ?? [],
        splitTimes: (row.splits ?? []).map((date) => new Date(date).getTime()),
      },
    };
  }
}

/** Ascending by time; when the source repeats a timestamp the later occurrence wins. */
export function dedupeAscending(bars: readonly Bar[]): Bar[] {
  let sorted = true;
  for (let i = 1; i < bars.length; i++) {
    if (bars[i].ts <= bars[i - 1].ts) {
      sorted = false;
      break;
    }
  }
  if (sorted) return bars as Bar[];
  const byTs = new Map<number, Bar>();
  for (const bar of bars) byTs.set(bar.ts, bar);
  return [...byTs.values()].sort((a, b) => a.ts - b.ts);
}

/** COPY text-format rows: `lead` + OHLCV, vwap, trades + `suffix` + score, flags[, validated]. */
function* copyRows(
  bars: readonly Bar[],
  quality: readonly BarQuality[],
  lead: (bar: Bar) => string,
  suffix: string,
  withValidated: boolean,
): Generator<string> {
  let chunk = '';
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i];
    const q = quality[i];
    const trades = bar.trades == null ? '\\N' : Math.round(bar.trades);
    chunk +=
      `${lead(bar)}\t${bar.open}\t${bar.high}\t${bar.low}\t${bar.close}\t${bar.volume}\t` +
      `${bar.vwap ?? '\\N'}\t${trades}${suffix}\t${q.score}\t{${q.flags.join(',')}}` +
      (withValidated ? (q.score >= VALIDATED_THRESHOLD ? '\tt\n' : '\tf\n') : '\n');
    if ((i + 1) % COPY_CHUNK_ROWS === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Escapes a value for COPY's text format. */
function copyText(value: string): string {
  return value.replace(
    /[\\\t\n\r]/g,
    (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!,
  );
}

const DAY_MS = 86_400_000;
let cachedDay = NaN;
let cachedDayPrefix = '';

/**
 * `YYYY-MM-DDTHH:MM:SS[.mmm]Z` for COPY. Date#toISOString was the writer's largest CPU cost in
 * the ingest profile; bars of a batch share few days, so the date part is formatted once a day.
 */
export function utcTimestamp(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return (
    cachedDayPrefix +
    (hours < 10 ? '0' : '') +
    hours +
    (minutes < 10 ? ':0' : ':') +
    minutes +
    (seconds < 10 ? ':0' : ':') +
    seconds +
    (millis === 0 ? 'Z' : `.${String(millis).padStart(3, '0')}Z`)
  );
}

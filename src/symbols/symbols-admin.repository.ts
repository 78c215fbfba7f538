import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AdminSymbolRow {
  symbol: string;
  name: string | null;
  asset_class: string;
  exchange: string | null;
  currency: string;
  time_zone: string;
  timeframes: string[];
  backfill_from: string | null;
  source: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface NewSymbolRow {
  symbol: string;
  name: string | null;
  assetClass: string;
  exchange: string | null;
  currency: string;
  timeZone: string;
  timeframes: string[];
  backfillFrom: string | null;
  source: string;
}

export interface SymbolChanges {
  name?: string | null;
  assetClass?: string;
  exchange?: string | null;
  currency?: string;
  timeZone?: string;
  timeframes?: string[];
  backfillFrom?: string | null;
  active?: boolean;
}

export interface SeriesBackfillRow {
  timeframe: string;
  last_bar_at: Date | null;
  covered_to: Date | null;
  run_id: string | null;
  run_status: string | null;
  run_trigger: string | null;
  from_ts: Date | null;
  to_ts: Date | null;
  bars_fetched: string | null;
  bars_written: string | null;
  error: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS = `symbol, name, asset_class, exchange, currency, time_zone, timeframes,
  to_char(backfill_from, 'YYYY-MM-DD') AS backfill_from, source, active, created_at, updated_at`;

/** Column of each changeable field; the only identifiers ever interpolated into SQL here. */
const CHANGE_COLUMNS: Record<keyof SymbolChanges, string> = {
  name: 'name',
  assetClass: 'asset_class',
  exchange: 'exchange',
  currency: 'currency',
  timeZone: 'time_zone',
  timeframes: 'timeframes',
  backfillFrom: 'backfill_from',
  active: 'active',
};

/** SQL for the admin side of tracked symbols (the public side lives in SymbolsRepository). */
@Injectable()
export class SymbolsAdminRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts, or returns undefined when the symbol already exists. */
  async insertSymbol(row: NewSymbolRow): Promise<AdminSymbolRow | undefined> {
    const rows: AdminSymbolRow[] = await this.dataSource.query(
      `INSERT INTO symbols (symbol, name, asset_class, exchange, currency, time_zone, timeframes,
         backfill_from, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8::date, $9)
       ON CONFLICT (symbol) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        row.symbol,
        row.name,
        row.assetClass,
        row.exchange,
        row.currency,
        row.timeZone,
        row.timeframes,
        row.backfillFrom,
        row.source,
      ],
    );
    return rows[0];
  }

  async findSymbol(symbol: string): Promise<AdminSymbolRow | undefined> {
    const rows: AdminSymbolRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM symbols WHERE symbol = $1`,
      [symbol],
    );
    return rows[0];
  }

  async updateSymbol(symbol: string, changes: SymbolChanges): Promise<AdminSymbolRow | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [symbol];
    for (const [field, column] of Object.entries(CHANGE_COLUMNS) as [
      keyof SymbolChanges,
      string,
    ][]) {
      if (changes[field] === undefined) continue;
      params.push(changes[field]);
      const cast = field === 'timeframes' ? '::text[]' : field === 'backfillFrom' ? '::date' : '';
      sets.push(`${column} = $${params.length}${cast}`);
    }
    const result: unknown = await this.dataSource.query(
      `UPDATE symbols SET ${[...sets, 'updated_at = now()'].join(', ')}
       WHERE symbol = $1 RETURNING ${COLUMNS}`,
      params,
    );
    // TypeORM answers an UPDATE on PostgreSQL with [rows, affectedCount].
    const rows = (
      Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result
    ) as AdminSymbolRow[];
    return rows[0];
  }

  /**
   * Per stored timeframe: the watermark (last stored bar, covered-to) and the latest run that
   * touched the series. Read-only over the backfill module's tables, for the admin view.
   */
  async findBackfillState(symbol: string, timeframes: string[]): Promise<SeriesBackfillRow[]> {
    return this.dataSource.query(
      `WITH series AS (
         SELECT unnest($2::text[]) AS timeframe
         UNION
         SELECT timeframe FROM series_watermarks WHERE symbol = $1
       )
       SELECT s.timeframe, w.last_bar_at, w.covered_to,
              r.run_id, r.status AS run_status, br.trigger AS run_trigger, r.from_ts, r.to_ts,
              r.bars_fetched::text AS bars_fetched, r.bars_written::text AS bars_written, r.error,
              r.started_at, r.finished_at
       FROM series s
       LEFT JOIN series_watermarks w ON w.symbol = $1 AND w.timeframe = s.timeframe
       LEFT JOIN LATERAL (
         SELECT rs.*, b.created_at AS run_created_at
         FROM backfill_run_series rs JOIN backfill_runs b ON b.id = rs.run_id
         WHERE rs.symbol = $1 AND rs.timeframe = s.timeframe
         ORDER BY b.created_at DESC LIMIT 1
       ) r ON true
       LEFT JOIN backfill_runs br ON br.id = r.run_id
       ORDER BY s.timeframe = '1d', s.timeframe`,
      [symbol, timeframes],
    );
  }
}

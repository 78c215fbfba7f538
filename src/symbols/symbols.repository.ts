import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { timed } from '../metrics';

export interface SymbolRow {
  symbol: string;
  name: string | null;
  asset_class: string;
  exchange: string | null;
  currency: string;
  time_zone: string;
  timeframes: string[];
  active: boolean;
}

export interface BarStatsRow {
  symbol: string;
  timeframe: string;
  bars: string;
  first_bar_at: Date;
  last_bar_at: Date;
  validated: string;
}

export interface OpenGapsRow {
  symbol: string;
  timeframe: string;
  open_gaps: number;
}

export interface SymbolFilter {
  assetClass?: string;
  search?: string;
  active?: boolean;
  symbol?: string;
}

/** SQL of the public symbol reads and their coverage statistics, all set-based. */
@Injectable()
export class SymbolsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findSymbols(filter: SymbolFilter): Promise<SymbolRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.symbol !== undefined) where.push(`symbol = ${add(filter.symbol)}`);
    if (filter.active !== undefined) where.push(`active = ${add(filter.active)}`);
    if (filter.assetClass !== undefined) where.push(`asset_class = ${add(filter.assetClass)}`);
    if (filter.search !== undefined) {
      // LIKE wildcards in the input are matched literally.
      const escaped = filter.search.replace(/[\\%_]/g, (c) => `\\${c}`);
      const term = add(escaped);
      where.push(`(symbol LIKE upper(${term}) || '%' OR name ILIKE '%' || ${term} || '%')`);
    }
    const sql = `SELECT symbol, name, asset_class, exchange, currency, time_zone, timeframes, active
                   FROM symbols ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                  ORDER BY symbol`;
    return timed('SymbolsRepository.findSymbols', () => this.dataSource.query(sql, params), params);
  }

  /** Per (symbol, stored timeframe): bar count, first/last bar, validated count. One statement. */
  async findBarStats(symbols: string[]): Promise<BarStatsRow[]> {
    return timed('SymbolsRepository.findBarStats', () =>
      this.dataSource.query(
        `SELECT symbol, timeframe, count(*)::text AS bars, min(ts) AS first_bar_at,
                max(ts) AS last_bar_at, count(*) FILTER (WHERE validated)::text AS validated
           FROM bars WHERE symbol = ANY($1::text[])
          GROUP BY symbol, timeframe`,
        [symbols],
      ),
    );
  }

  async findOpenGaps(symbols: string[]): Promise<OpenGapsRow[]> {
    return timed('SymbolsRepository.findOpenGaps', () =>
      this.dataSource.query(
        `SELECT symbol, timeframe, count(*)::int AS open_gaps
           FROM data_gaps WHERE status = 'open' AND symbol = ANY($1::text[])
          GROUP BY symbol, timeframe`,
        [symbols],
      ),
    );
  }

  async countSymbols(): Promise<{ symbols: number; active: number }> {
    const rows: { symbols: number; active: number }[] = await timed(
      'SymbolsRepository.countSymbols',
      () =>
        this.dataSource.query(
          `SELECT count(*)::int AS symbols, count(*) FILTER (WHERE active)::int AS active FROM symbols`,
        ),
    );
    return rows[0];
  }
}

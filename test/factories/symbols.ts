import { DataSource } from 'typeorm';

export interface SymbolRow {
  symbol: string;
  name?: string;
  assetClass?: 'stocks' | 'crypto' | 'forex' | 'indices';
  exchange?: string | null;
  currency?: string;
  timeZone?: string;
  timeframes?: ('1m' | '1d')[];
  active?: boolean;
}

/** Inserts tracked symbols directly (test-only; the app adds them through the admin API). */
export async function insertSymbols(dataSource: DataSource, rows: SymbolRow[]): Promise<void> {
  for (const row of rows) {
    const crypto = row.assetClass === 'crypto';
    await dataSource.query(
      `INSERT INTO symbols (symbol, name, asset_class, exchange, currency, time_zone, timeframes, active)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        row.symbol,
        row.name ?? `${row.symbol} Inc.`,
        row.assetClass ?? 'stocks',
        row.exchange === undefined ? (crypto ? null : 'XNAS') : row.exchange,
        row.currency ?? 'USD',
        row.timeZone ?? (crypto ? 'UTC' : 'America/New_York'),
        row.timeframes ?? ['1m', '1d'],
        row.active ?? true,
      ],
    );
  }
}

import { Injectable } from '@nestjs/common';

import { NotFoundError } from '../common/domain-error';
import { SeriesChanges } from '../common/series-changes';
import { normaliseSymbol } from '../market/symbol';
import { BASE_TIMEFRAMES } from '../market/timeframes';
import {
  DetailedSymbolDto,
  DetailedSymbolListDto,
  SymbolDto,
  SymbolListDto,
  TimeframeCoverageDto,
} from './dto/symbol-response.dto';
import { SymbolsQueryDto } from './dto/symbols-query.dto';
import { BarStatsRow, SymbolRow, SymbolsRepository } from './symbols.repository';

type BarStats = Omit<TimeframeCoverageDto, 'openGaps'> & { validated: number };

export interface DataTotals {
  symbols: number;
  activeSymbols: number;
  bars: number;
  latestBarAt: string | null;
}

/**
 * Public symbol reads. Bar statistics (a GROUP BY over the bars of the symbols asked for) are
 * cached per symbol and dropped whenever one of its series changes (SeriesChanges), so a count
 * never lags a write; open gaps are cheap and always read fresh.
 */
@Injectable()
export class SymbolsService {
  private readonly statsCache = new Map<string, BarStats[]>();

  constructor(
    private readonly repository: SymbolsRepository,
    private readonly changes: SeriesChanges,
  ) {
    changes.subscribe((change) => {
      if (change.scope === 'all') this.statsCache.clear();
      else this.statsCache.delete(change.symbol);
    });
  }

  async list(query: SymbolsQueryDto): Promise<SymbolListDto> {
    const rows = await this.repository.findSymbols(filterOf(query));
    return { count: rows.length, symbols: rows.map(toSymbol) };
  }

  async listDetailed(query: SymbolsQueryDto): Promise<DetailedSymbolListDto> {
    const rows = await this.repository.findSymbols(filterOf(query));
    const symbols = await this.withCoverage(rows);
    return { count: symbols.length, symbols };
  }

  async getOne(rawSymbol: string): Promise<DetailedSymbolDto> {
    const symbol = normaliseSymbol(rawSymbol);
    const rows = await this.repository.findSymbols({ symbol });
    if (rows.length === 0) throw new NotFoundError(`Unknown symbol ${symbol}.`);
    return (await this.withCoverage(rows))[0];
  }

  /** The symbol and its exchange time zone, inactive ones included; undefined when unknown. */
  async findTimeZone(symbol: string): Promise<string | undefined> {
    const rows = await this.repository.findSymbols({ symbol });
    return rows[0]?.time_zone;
  }

  /** Warehouse-wide figures for /api/v1/status, from the same cached statistics. */
  async totals(): Promise<DataTotals> {
    const counts = await this.repository.countSymbols();
    const rows = await this.repository.findSymbols({});
    const stats = await this.barStats(rows.map((r) => r.symbol));
    let bars = 0;
    let latest: string | null = null;
    for (const list of stats.values()) {
      for (const s of list) {
        bars += s.bars;
        if (s.lastBarAt && (latest === null || s.lastBarAt > latest)) latest = s.lastBarAt;
      }
    }
    return { symbols: counts.symbols, activeSymbols: counts.active, bars, latestBarAt: latest };
  }

  private async withCoverage(rows: SymbolRow[]): Promise<DetailedSymbolDto[]> {
    const symbols = rows.map((r) => r.symbol);
    if (symbols.length === 0) return [];
    const [stats, gaps] = await Promise.all([
      this.barStats(symbols),
      this.repository.findOpenGaps(symbols),
    ]);
    const openGaps = new Map(gaps.map((g) => [`${g.symbol}:${g.timeframe}`, g.open_gaps]));
    return rows.map((row) => {
      const stored = stats.get(row.symbol) ?? [];
      const timeframes = [
        ...new Set([...row.timeframes, ...stored.map((s) => s.timeframe)]),
      ].sort();
      const coverage = timeframes.map((timeframe) => {
        const s = stored.find((x) => x.timeframe === timeframe);
        return {
          timeframe,
          bars: s?.bars ?? 0,
          firstBarAt: s?.firstBarAt ?? null,
          lastBarAt: s?.lastBarAt ?? null,
          validatedPct: s?.validatedPct ?? 0,
          openGaps: openGaps.get(`${row.symbol}:${timeframe}`) ?? 0,
        };
      });
      return { ...toSymbol(row), coverage };
    });
  }

  private async barStats(symbols: string[]): Promise<Map<string, BarStats[]>> {
    const result = new Map<string, BarStats[]>();
    const missing: string[] = [];
    for (const symbol of symbols) {
      const hit = this.changes.complete ? this.statsCache.get(symbol) : undefined;
      if (hit) result.set(symbol, hit);
      else missing.push(symbol);
    }
    if (missing.length === 0) return result;
    // Taken before the query: an invalidation that lands while it runs wins.
    const generation = missing.map((s) => this.versionOf(s));
    const rows = await this.repository.findBarStats(missing);
    const grouped = new Map<string, BarStats[]>(missing.map((s) => [s, []]));
    for (const row of rows) grouped.get(row.symbol)?.push(toStats(row));
    missing.forEach((symbol, i) => {
      const stats = grouped.get(symbol)!;
      result.set(symbol, stats);
      if (this.changes.complete && this.versionOf(symbol) === generation[i]) {
        this.statsCache.set(symbol, stats);
      }
    });
    return result;
  }

  /** The versions of a symbol's series together: changes when any of them does. */
  private versionOf(symbol: string): string {
    return BASE_TIMEFRAMES.map((timeframe) => this.changes.version(symbol, timeframe)).join('|');
  }
}

function filterOf(query: SymbolsQueryDto) {
  return {
    assetClass: query.assetClass,
    search: query.search,
    active: query.active ?? true,
  };
}

function toSymbol(row: SymbolRow): SymbolDto {
  return {
    symbol: row.symbol,
    name: row.name,
    assetClass: row.asset_class,
    exchange: row.exchange,
    currency: row.currency,
    timeframes: row.timeframes,
    active: row.active,
  };
}

function toStats(row: BarStatsRow): BarStats {
  const bars = Number(row.bars);
  const validated = Number(row.validated);
  return {
    timeframe: row.timeframe,
    bars,
    firstBarAt: row.first_bar_at.toISOString(),
    lastBarAt: row.last_bar_at.toISOString(),
    validated,
    validatedPct: bars ? Math.round((validated / bars) * 10_000) / 100 : 0,
  };
}

import { DateTime } from 'luxon';

import { parseTimeParam } from '../../common/time-params';
import type { Bar } from '../../market/bar';
import type { BaseTimeframe } from '../../market/timeframes';

export const REQUIRED_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
export const OPTIONAL_COLUMNS = ['vwap', 'trades'] as const;

export interface RowRejection {
  line: number;
  reason: string;
}

export type ParsedRow = { bar: Bar } | { rejection: string };

/**
 * Validates the rows of a vendor CSV file (`timestamp,open,high,low,close,volume[,vwap,trades]`)
 * into provider bars. Timestamps may be ISO instants, epoch milliseconds, or (daily bars only)
 * dates, which mean the session's local midnight in the symbol's time zone, the way Polygon
 * stamps daily bars. Plausibility (high below low, spikes) is not judged here: the writer's
 * quality rules score and flag it, as for every other source.
 */
export class CsvBarParser {
  private columns: string[] = [];

  constructor(
    private readonly timeframe: BaseTimeframe,
    private readonly timeZone: string,
  ) {}

  /** Checks the header; returns a message when it is not one this importer understands. */
  readHeader(record: string[]): string | undefined {
    const names = record.map((name) => name.trim().toLowerCase());
    const required = REQUIRED_COLUMNS.join(',');
    const given = names.join(',');
    if (given !== required && given !== `${required},vwap` && given !== `${required},vwap,trades`) {
      return `the header must be ${required}[,vwap,trades]; found "${record.join(',')}"`;
    }
    this.columns = names;
    return undefined;
  }

  parse(record: string[]): ParsedRow {
    if (record.length !== this.columns.length) {
      return { rejection: `expected ${this.columns.length} fields, found ${record.length}` };
    }
    const field = (name: string) => record[this.columns.indexOf(name)]?.trim() ?? '';
    const ts = this.parseTimestamp(field('timestamp'));
    if (typeof ts === 'string') return { rejection: ts };
    const values: Record<string, number> = {};
    for (const name of ['open', 'high', 'low', 'close', 'volume']) {
      const raw = field(name);
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value))
        return { rejection: `${name} "${raw}" is not a number` };
      values[name] = value;
    }
    if (values.volume < 0) return { rejection: 'volume is negative' };
    const vwapRaw = this.columns.includes('vwap') ? field('vwap') : '';
    const vwap = vwapRaw === '' ? null : Number(vwapRaw);
    if (vwap !== null && !Number.isFinite(vwap))
      return { rejection: `vwap "${vwapRaw}" is not a number` };
    const tradesRaw = this.columns.includes('trades') ? field('trades') : '';
    const trades = tradesRaw === '' ? null : Number(tradesRaw);
    if (trades !== null && !(Number.isSafeInteger(trades) && trades >= 0)) {
      return { rejection: `trades "${tradesRaw}" is not a non-negative integer` };
    }
    return {
      bar: {
        ts,
        open: values.open,
        high: values.high,
        low: values.low,
        close: values.close,
        volume: values.volume,
        vwap,
        trades,
      },
    };
  }

  private parseTimestamp(raw: string): number | string {
    if (/^-?\d{1,16}$/.test(raw)) return this.checkGrid(Number(raw));
    const parsed = parseTimeParam(raw);
    if (!parsed)
      return `timestamp "${raw}" is not an ISO-8601 instant, a date or epoch milliseconds`;
    if (!parsed.isDate) return this.checkGrid(parsed.ms);
    if (this.timeframe !== '1d') return `timestamp "${raw}" is a date; 1m bars need a time`;
    return DateTime.fromISO(raw, { zone: this.timeZone }).startOf('day').toMillis();
  }

  private checkGrid(ms: number): number | string {
    if (this.timeframe === '1m' && ms % 60_000 !== 0) {
      return `timestamp ${new Date(ms).toISOString()} is not on a minute boundary`;
    }
    return ms;
  }
}

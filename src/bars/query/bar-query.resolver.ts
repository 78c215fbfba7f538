import { Injectable } from '@nestjs/common';

import { Clock } from '../../common/clock';
import { FieldError, InvalidInputError } from '../../common/domain-error';
import { exclusiveEnd, parseTimeParam } from '../../common/time-params';
import { Timeframe, TIMEFRAME_SPECS } from '../../market/timeframes';
import { BarFormat, BarsQueryDto } from '../http/bars-query.dto';
import { CursorPosition, decodeCursor, fingerprint } from './bar-cursor';
import type { BarsSelection } from './selection';

export const DEFAULT_LIMIT = 5000;
const MINUTE_MS = 60_000;

export interface ResolvedQuery {
  selection: BarsSelection;
  startMs: number;
  endExclusiveMs: number;
  fingerprint: string;
  format: BarFormat;
}

/**
 * Turns validated query parameters into a selection: defaults (timeframe, window, limit),
 * cross-field rules (start after end, options not available yet) and the cursor, which must
 * belong to the same query. All problems are reported together.
 */
@Injectable()
export class BarQueryResolver {
  constructor(private readonly clock: Clock) {}

  resolve(symbols: string[], query: BarsQueryDto, accept: string | undefined): ResolvedQuery {
    const errors: FieldError[] = [];
    if (query.session !== undefined && query.session !== 'all') {
      errors.push({ field: 'session', message: 'is not supported yet: only all is available' });
    }
    const timeframe: Timeframe = query.timeframe ?? '1d';
    const adjustment = query.adjustment === 'raw' ? undefined : query.adjustment;
    const sort = query.sort ?? 'asc';
    const format = query.format ?? formatAccepted(accept);
    const start = query.start === undefined ? undefined : parseTimeParam(query.start);
    const end = query.end === undefined ? undefined : parseTimeParam(query.end);
    if (start && end && start.ms >= exclusiveEnd(end)) {
      errors.push({ field: 'start', message: 'must not be after end' });
    }
    if (errors.length) throw new InvalidInputError(errors);

    const print = fingerprint([
      symbols,
      timeframe,
      sort,
      query.validatedOnly ?? false,
      query.minQuality ?? null,
      query.start ?? null,
      query.end ?? null,
      // Only when adjusted, so that cursors of raw queries stay valid.
      ...(adjustment ? [adjustment] : []),
    ]);
    let after: CursorPosition | undefined;
    let startMs: number;
    let endExclusiveMs: number;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor, print);
      ({ startMs, endExclusiveMs } = after);
    } else {
      endExclusiveMs = end ? exclusiveEnd(end) : this.defaultEnd();
      startMs = start ? start.ms : endExclusiveMs - TIMEFRAME_SPECS[timeframe].defaultWindowMs;
      if (start && !end && startMs >= endExclusiveMs) {
        throw InvalidInputError.field('start', 'must not be after end (which defaults to now)');
      }
    }

    const selection: BarsSelection = {
      symbols,
      timeframe,
      startIso: new Date(startMs).toISOString(),
      endExclusiveIso: new Date(endExclusiveMs).toISOString(),
      sort,
      validatedOnly: query.validatedOnly ?? false,
      minQuality: query.minQuality,
      includeQuality: query.include === 'quality',
      ...(adjustment && { adjustment }),
      after: after && { bucketIso: microsToIso(after.afterMicros), symbol: after.symbol },
      // CSV and Arrow: every bar of the range unless a page is asked for.
      limit: format === 'json' ? (query.limit ?? DEFAULT_LIMIT) : query.limit,
    };
    return { selection, startMs, endExclusiveMs, fingerprint: print, format };
  }

  /**
   * The exclusive end of a query without `end`: the end of the current minute. Exact (no bar
   * starts later than now, and bars start on whole minutes at the finest), and the same for
   * every request within the minute, so such a page is cacheable and revalidatable; a write
   * still changes its cache generation and its ETag.
   */
  private defaultEnd(): number {
    return (Math.floor(this.clock.now().getTime() / MINUTE_MS) + 1) * MINUTE_MS;
  }
}

/** The format an Accept header names (JSON unless it names CSV or an Arrow stream). */
function formatAccepted(accept: string | undefined): BarFormat {
  if (!accept) return 'json';
  if (/\bapplication\/vnd\.apache\.arrow\.stream\b/i.test(accept)) return 'arrow';
  return /\btext\/csv\b/i.test(accept) ? 'csv' : 'json';
}

/** Exact ISO text of an epoch-microsecond instant (Date alone would drop the microseconds). */
export function microsToIso(micros: string): string {
  const value = BigInt(micros);
  const ms = value / 1000n - (value % 1000n < 0n ? 1n : 0n);
  const rest = value - ms * 1000n;
  return new Date(Number(ms)).toISOString().replace('Z', `${String(rest).padStart(3, '0')}Z`);
}

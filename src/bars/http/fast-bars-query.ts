import { isTimeParam } from '../../common/time-params';
import { TIMEFRAMES } from '../../market/timeframes';
import { ADJUSTMENTS, BarsQueryDto, MAX_LIMIT, SESSIONS } from './bars-query.dto';

const TIMEFRAME_SET: ReadonlySet<string> = new Set(TIMEFRAMES);
const SESSION_SET: ReadonlySet<string> = new Set(SESSIONS);
const ADJUSTMENT_SET: ReadonlySet<string> = new Set(ADJUSTMENTS);
/** 1..99999 without sign, exponent, fraction or leading zeros (then checked against MAX_LIMIT). */
const PLAIN_LIMIT = /^[1-9]\d{0,4}$/;
/** 0, 1 or a plain decimal between them. */
const PLAIN_QUALITY = /^(?:0(?:\.\d{1,6})?|1(?:\.0{1,6})?)$/;
const MAX_CURSOR_LENGTH = 512;

/**
 * The bar query's parameters, read without class-transformer/class-validator for the fast lane.
 *
 * It accepts only plainly valid queries — each parameter once, a known name, a value the
 * BarsQueryDto rules accept in its simplest spelling — and returns exactly what the global
 * ValidationPipe would have produced for them. Anything else (an error, a repeated parameter,
 * `limit=007`) returns undefined and goes through Nest's pipeline, which owns every error
 * message. A unit test holds this to the DTO: whatever this accepts, the pipe accepts with the
 * same result.
 */
export function fastBarsQuery(query: unknown): BarsQueryDto | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const dto: BarsQueryDto = {};
  const raw = query as Record<string, unknown>;
  for (const key in raw) {
    const value = raw[key];
    if (typeof value !== 'string') return undefined;
    switch (key) {
      case 'timeframe':
        if (!TIMEFRAME_SET.has(value)) return undefined;
        dto.timeframe = value as BarsQueryDto['timeframe'];
        break;
      case 'start':
      case 'end':
        if (!isTimeParam(value)) return undefined;
        dto[key] = value;
        break;
      case 'limit': {
        if (!PLAIN_LIMIT.test(value)) return undefined;
        const limit = Number(value);
        if (limit > MAX_LIMIT) return undefined;
        dto.limit = limit;
        break;
      }
      case 'sort':
        if (value !== 'asc' && value !== 'desc') return undefined;
        dto.sort = value;
        break;
      case 'format':
        if (value !== 'json' && value !== 'csv') return undefined;
        dto.format = value;
        break;
      case 'cursor':
        if (value.length === 0 || value.length > MAX_CURSOR_LENGTH) return undefined;
        dto.cursor = value;
        break;
      case 'validatedOnly':
        if (value !== 'true' && value !== 'false') return undefined;
        dto.validatedOnly = value === 'true';
        break;
      case 'minQuality':
        if (!PLAIN_QUALITY.test(value)) return undefined;
        dto.minQuality = Number(value);
        break;
      case 'include':
        if (value !== 'quality') return undefined;
        dto.include = value;
        break;
      case 'session':
        if (!SESSION_SET.has(value)) return undefined;
        dto.session = value as BarsQueryDto['session'];
        break;
      case 'adjustment':
        if (!ADJUSTMENT_SET.has(value)) return undefined;
        dto.adjustment = value as BarsQueryDto['adjustment'];
        break;
      default:
        return undefined;
    }
  }
  return dto;
}

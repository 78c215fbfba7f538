import type { TransformFnParams } from 'class-transformer';
import { IANAZone } from 'luxon';

import type { FieldError } from '../../common/domain-error';
import { parseTimeParam } from '../../common/time-params';

export const ASSET_CLASSES = ['stocks', 'crypto', 'forex', 'indices'] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];

export const BASE_TIMEFRAMES = ['1m', '1d'] as const;
export type BaseTimeframe = (typeof BASE_TIMEFRAMES)[number];

export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** class-transformer hook: upper-cases strings, leaves anything else for the validators. */
export function upperCased({ value }: TransformFnParams): unknown {
  return typeof value === 'string' ? value.toUpperCase() : value;
}

/* Rules the service applies to input from any entry point (HTTP DTOs, CLI, demo seeding). */

export function checkTimeframes(timeframes: string[]): FieldError[] {
  const allowed = BASE_TIMEFRAMES as readonly string[];
  if (
    !Array.isArray(timeframes) ||
    timeframes.length === 0 ||
    timeframes.some((tf) => !allowed.includes(tf))
  ) {
    return [{ field: 'timeframes', message: 'must be a non-empty list of 1m, 1d' }];
  }
  return [];
}

export function checkDate(field: string, value: string | null | undefined): FieldError[] {
  if (value === undefined || value === null) return [];
  const parsed = parseTimeParam(value);
  if (!parsed?.isDate) return [{ field, message: 'must be a real date like 2020-01-01' }];
  if (parsed.ms > Date.now()) return [{ field, message: 'must not be in the future' }];
  return [];
}

export function checkZone(zone: string | undefined): FieldError[] {
  if (zone === undefined || IANAZone.isValidZone(zone)) return [];
  return [{ field: 'timeZone', message: 'must be an IANA time zone like America/New_York or UTC' }];
}

export function orderTimeframes(timeframes: string[]): string[] {
  return BASE_TIMEFRAMES.filter((tf) => timeframes.includes(tf));
}

/** Crypto and forex pairs are quoted in their last three letters (X:BTCUSD → USD). */
export function currencyFor(symbol: string, assetClass: AssetClass): string {
  if (assetClass === 'crypto' || assetClass === 'forex') {
    const pair = symbol.includes(':') ? symbol.slice(symbol.indexOf(':') + 1) : symbol;
    if (/^[A-Z]{6,}$/.test(pair)) return pair.slice(-3);
  }
  return 'USD';
}

import { InvalidInputError } from '../common/domain-error';

/** Polygon-style tickers, crypto/forex prefixes included (`X:BTCUSD`, `BRK.B`). */
export const SYMBOL_PATTERN = /^[A-Za-z0-9.:-]{1,24}$/;

export const SYMBOL_RULE = 'must be 1-24 letters, digits, ".", ":" or "-"';

/** Validates and upper-cases a symbol from input, or throws a 400 naming the field. */
export function normaliseSymbol(value: string, field = 'symbol'): string {
  if (!SYMBOL_PATTERN.test(value)) throw InvalidInputError.field(field, SYMBOL_RULE);
  return value.toUpperCase();
}

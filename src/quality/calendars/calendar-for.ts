import { ExchangeCalendar } from './exchange-calendar';
import { UtcDaysCalendar } from './utc-days.calendar';
import { XnysCalendar } from './xnys.calendar';

/** Calendars are immutable and cache per-year rules, so one instance each is shared. */
const XNYS = new XnysCalendar();
const CRYPTO = UtcDaysCalendar.crypto();
const FOREX = UtcDaysCalendar.forex();

const BY_CODE: ReadonlyMap<string, ExchangeCalendar> = new Map<string, ExchangeCalendar>([
  [XNYS.code, XNYS],
  [CRYPTO.code, CRYPTO],
  [FOREX.code, FOREX],
]);

/** Canonical calendar codes, for validation messages and the calendar endpoint. */
export const CALENDAR_CODES: readonly string[] = [...BY_CODE.keys()];

/** The calendar of a code ('XNYS', '24/7', '24/5'; case-insensitive), or undefined. */
export function calendarByCode(code: string): ExchangeCalendar | undefined {
  return BY_CODE.get(code.toUpperCase());
}

/**
 * The calendar a symbol's bars follow: crypto trades every UTC day, forex every UTC weekday,
 * US stocks and indices on the NYSE calendar whichever US venue (`exchange`: XNAS, ARCX, …)
 * lists them, since all US equity venues share NYSE's holidays and hours.
 */
export function calendarFor(assetClass: string, _exchange?: string | null): ExchangeCalendar {
  if (assetClass === 'crypto') return CRYPTO;
  if (assetClass === 'forex') return FOREX;
  return XNYS;
}

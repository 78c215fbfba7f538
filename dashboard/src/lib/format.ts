/** Display formatting, in the browser's locale; instants shown in UTC with the zone named. */

const numberFormat = new Intl.NumberFormat(undefined);
const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact' });
const priceFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 4 });

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : numberFormat.format(value);
}

/** A price as the API sends it, to at most 4 decimals (sub-cent crypto and adjusted prices). */
export function formatPrice(value: number): string {
  return priceFormat.format(value);
}

export function formatCompact(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : compactFormat.format(value);
}

/** `2024-01-02 14:30 UTC` (without the zone where a column header names it) */
export function formatInstant(iso: string | null | undefined, withZone = true): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString().slice(0, 16).replace('T', ' ');
  return withZone ? `${text} UTC` : text;
}

/** `3 min ago`, `2 h ago`, `in 5 h` */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  const [value, unit] =
    abs < 90
      ? [abs, 's']
      : abs < 5400
        ? [Math.round(abs / 60), 'min']
        : abs < 172800
          ? [Math.round(abs / 3600), 'h']
          : [Math.round(abs / 86400), 'd'];
  return seconds < 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}

export function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

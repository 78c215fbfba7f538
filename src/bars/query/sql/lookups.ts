import type { Timeframe } from '../../../market/timeframes';
import { TIMEFRAME_SPECS } from '../../../market/timeframes';
import type { BarsSelection } from '../selection';
import { barJsonSql } from './bar-text';
import { BuiltSql, Params } from './params';
import { rowsSql } from './rows';

/** What the adjusted bars of symbol `s` depend on besides themselves, as one text. */
const CORPORATE_ACTIONS_DIGEST = `md5(concat_ws('|',
      (SELECT string_agg(concat_ws(',', sp.execution_date, sp.split_from, sp.split_to), ';' ORDER BY sp.execution_date)
         FROM splits sp WHERE sp.symbol = s.symbol),
      (SELECT string_agg(concat_ws(',', dv.ex_dividend_date, dv.cash_amount), ';' ORDER BY dv.ex_dividend_date, dv.cash_amount)
         FROM dividends dv WHERE dv.symbol = s.symbol)))`;

/** The symbols of a list that exist. */
export function knownSymbolsSql(symbols: string[]): BuiltSql {
  return {
    sql: `SELECT symbol FROM symbols WHERE symbol = ANY($1::text[])`,
    params: [`{${symbols.join(',')}}`],
  };
}

/**
 * The newest bar of a symbol in a timeframe as JSON text (`bar`; NULL when it has none), or no
 * row when the symbol is unknown. The newest base bar is found on the index; a bucketed
 * timeframe then aggregates the base bars from the latest lookback before it, and the newest
 * bucket is the one that holds it.
 */
export function latestBarSql(
  symbol: string,
  timeframe: Timeframe,
  adjustment?: BarsSelection['adjustment'],
): BuiltSql {
  const p = new Params('bind');
  const symbolParam = p.add(symbol, 'text');
  const spec = TIMEFRAME_SPECS[timeframe];
  const lookback = p.add(spec.latestLookbackMs, 'float8');
  const base = p.add(spec.base, 'text');
  const selection: BarsSelection = {
    symbols: [symbol],
    timeframe,
    // The range comes from the newest bar below, not from these.
    startIso: '',
    endExclusiveIso: '',
    sort: 'desc',
    validatedOnly: false,
    includeQuality: false,
    adjustment,
    limit: 1,
  };
  const { rows } = rowsSql(selection, p, {
    symbolAt: (a) => `${a}.symbol = s.symbol`,
    multi: false,
    limitRows: 1,
    range: {
      start: `newest.ts - ${lookback} * INTERVAL '1 millisecond'`,
      endExclusive: `newest.ts + INTERVAL '1 millisecond'`,
    },
  });
  const sql = `SELECT (SELECT ${barJsonSql(false)} FROM (${rows}) r) AS bar
    FROM symbols s
    LEFT JOIN LATERAL (
      SELECT x.ts FROM bars x WHERE x.symbol = s.symbol AND x.timeframe = ${base}
      ORDER BY x.ts DESC LIMIT 1
    ) newest ON true
    WHERE s.symbol = ${symbolParam}`;
  return { sql, params: p.values };
}

/**
 * What a CSV export's text depends on besides its query (`version`), or no row when the symbol
 * is unknown: how many base bars the selection covers and when the newest of them was written
 * (every insert and every change of a bar sets `ingested_at`), and the symbol's time zone (the
 * buckets of local timeframes). Any write that changes the export changes this, so it makes the
 * export's ETag without reading the export. The time as epoch seconds: the same text whatever
 * the session's TimeZone. An adjusted export also depends on the symbol's corporate actions: a
 * digest of them (as stored; a handful of rows) is part of its version.
 */
export function csvVersionSql(sel: BarsSelection): BuiltSql {
  const p = new Params('bind');
  const symbol = p.add(sel.symbols[0], 'text');
  const { whereAt } = rowsSql(sel, p, {
    symbolAt: (a) => `${a}.symbol = s.symbol`,
    multi: false,
  });
  const actions = sel.adjustment ? ` || '|' || ${CORPORATE_ACTIONS_DIGEST}` : '';
  const sql = `SELECT s.time_zone || '|' || v.n || '|' || coalesce(extract(epoch FROM v.newest)::text, '')${actions} AS version
    FROM symbols s
    CROSS JOIN LATERAL (
      SELECT count(*) AS n, max(b.ingested_at) AS newest FROM bars b WHERE ${whereAt('b')}
    ) v
    WHERE s.symbol = ${symbol}`;
  return { sql, params: p.values };
}

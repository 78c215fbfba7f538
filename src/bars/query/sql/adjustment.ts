import type { Adjustment } from '../../../market/adjustments';
import { BAR_FIELDS, BarFieldKind } from '../../bar-fields';

/**
 * How an adjusted read turns raw bars into adjusted ones, in SQL (docs/adjustments.md). Raw
 * bars are never rewritten: every read computes its factors from the splits and dividends stored
 * at that moment ("as of the query").
 *
 * Each symbol's corporate actions become events at the exchange-local midnight of their day (a
 * split's execution date, a dividend's ex-date: that day's pre-market already trades on the new
 * basis). A bar is adjusted by every event after it:
 *
 * - split: prices divided, volume multiplied by the cumulative ratio `r` = Π split_to / split_from;
 * - dividend: prices multiplied by the cumulative factor `d` = Π (1 − cash / close of the last
 *   daily bar before the ex-date) (the last minute bar when no daily bar is stored; a dividend
 *   without such a close, or not below it, is left out);
 * - `vwap` is a price; `trades`, quality and flags are not adjusted.
 *
 * Per symbol the events' times go into one ascending array `at`, led by -infinity, and the
 * cumulative values into `r` and `d`, each ending with 1 (no event after the bar): for a bar at
 * `ts`, `width_bucket(ts, at)` counts the events at or before it plus one, which is the index of
 * the product of the events after it. So a bar costs a binary search of a few elements, whatever
 * the number of actions, and the factors are computed once per symbol and statement.
 * Products are exact (numeric, `mdw_product`) until the final cast to float8.
 */
export interface AdjustmentSql {
  /** The common table expression that computes each symbol's factors once per statement. */
  cte: string;
  /** The join that makes the factors available as `f` (after `FROM bars b ...`). */
  join: string;
  /** The adjusted value of a raw bar's column `b.<column>`. */
  field: (column: string) => string;
}

const KIND_OF_COLUMN = new Map<string, BarFieldKind>(BAR_FIELDS.map((f) => [f.column, f.kind]));

/** The factors' join and adjusted fields, or null for raw reads. */
export function adjustmentSql(
  adjustment: Adjustment | undefined,
  symbolAt: (alias: string) => string,
): AdjustmentSql | null {
  if (adjustment === undefined || adjustment === 'raw') return null;
  const splits = adjustment === 'split' || adjustment === 'all';
  const dividends = adjustment === 'dividend' || adjustment === 'all';
  const events = [
    splits
      ? `SELECT sp.execution_date AS day, sp.split_to AS t, sp.split_from AS f, 1::numeric AS d
           FROM splits sp WHERE sp.symbol = sy.symbol`
      : null,
    dividends ? DIVIDEND_EVENTS : null,
  ].filter((part) => part !== null);
  const cte = `mdw_factors AS MATERIALIZED (
      SELECT sy.symbol,
             '{-infinity}'::timestamptz[] || array_agg(c.at ORDER BY c.at) FILTER (WHERE c.at IS NOT NULL) AS at,
             array_agg(c.r ORDER BY c.at) FILTER (WHERE c.at IS NOT NULL) || 1::float8 AS r,
             array_agg(c.d ORDER BY c.at) FILTER (WHERE c.at IS NOT NULL) || 1::float8 AS d
        FROM symbols sy
        LEFT JOIN LATERAL (
          SELECT g.at,
                 (mdw_product(g.t) OVER w / mdw_product(g.f) OVER w)::float8 AS r,
                 (mdw_product(g.d) OVER w)::float8 AS d
            FROM (
              SELECT e.day::timestamp AT TIME ZONE sy.time_zone AS at,
                     mdw_product(e.t) AS t, mdw_product(e.f) AS f, mdw_product(e.d) AS d
                FROM (${events.join('\n                UNION ALL ')}) e
               GROUP BY e.day
            ) g
          WINDOW w AS (ORDER BY g.at DESC)
        ) c ON true
       WHERE ${symbolAt('sy')}
       GROUP BY sy.symbol
    )`;
  const join = 'JOIN mdw_factors f ON f.symbol = b.symbol';
  const at = 'width_bucket(b.ts, f.at)';
  const field = (column: string): string => {
    const raw = `b.${column}`;
    switch (KIND_OF_COLUMN.get(column)) {
      case 'price':
        return [raw, splits ? ` / f.r[${at}]` : '', dividends ? ` * f.d[${at}]` : ''].join('');
      case 'volume':
        return splits ? `${raw} * f.r[${at}]` : raw;
      default:
        return raw;
    }
  };
  return { cte, join, field };
}

/**
 * A symbol's cash dividends as events with their factor `1 − cash / close before the ex-date`.
 * The close is the raw one, on the same share basis as the declared amount.
 */
const closeBefore = (timeframe: string): string =>
  `(SELECT x.close FROM bars x
       WHERE x.symbol = sy.symbol AND x.timeframe = '${timeframe}'
         AND x.ts < dv.ex_dividend_date::timestamp AT TIME ZONE sy.time_zone
       ORDER BY x.ts DESC LIMIT 1)`;
const DIVIDEND_EVENTS = `SELECT dv.ex_dividend_date AS day, 1::numeric AS t, 1::numeric AS f,
                 1 - dv.cash_amount / pc.close::numeric AS d
            FROM dividends dv
            CROSS JOIN LATERAL (SELECT coalesce(${closeBefore('1d')}, ${closeBefore('1m')}) AS close) pc
           WHERE dv.symbol = sy.symbol AND pc.close > dv.cash_amount`;

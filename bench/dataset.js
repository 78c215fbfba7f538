'use strict';
/**
 * The benchmark data set, generated inside PostgreSQL (INSERT … SELECT over generate_series:
 * no rows cross the wire, so loading ~3M bars takes seconds, not minutes):
 * - 20 US stocks × every weekday of 2024 × the 390 regular-session minutes (~2M 1m bars),
 *   plus their daily bars;
 * - one crypto series with 1,000,000 consecutive 1m bars for the CSV export measurement.
 */
const { DateTime } = require('luxon');

const ALL_STOCKS = [
  'AAPL',
  'MSFT',
  'NVDA',
  'AMZN',
  'GOOGL',
  'META',
  'TSLA',
  'BRK.B',
  'JPM',
  'V',
  'UNH',
  'XOM',
  'JNJ',
  'WMT',
  'MA',
  'PG',
  'HD',
  'CVX',
  'KO',
  'PEP',
];
/** BENCH_STOCKS (default all 20) shrinks the set for a quick functional run of the bench. */
const STOCKS = ALL_STOCKS.slice(0, Number(process.env.BENCH_STOCKS ?? ALL_STOCKS.length));
const CSV_SYMBOL = 'X:BTCUSD';
const CSV_BARS = Number(process.env.BENCH_CSV_BARS ?? 1_000_000);
const YEAR = 2024;

async function loadDataset(client, log) {
  const started = Date.now();
  await client.query(`SET synchronous_commit = off`);
  await client.query(
    `INSERT INTO symbols (symbol, name, asset_class, exchange, time_zone, timeframes)
     SELECT s, s || ' (bench)', 'stocks', 'XNAS', 'America/New_York', '{1m,1d}' FROM unnest($1::text[]) s`,
    [STOCKS],
  );
  await client.query(
    `INSERT INTO symbols (symbol, name, asset_class, time_zone, timeframes)
     VALUES ($1, 'Bitcoin (bench)', 'crypto', 'UTC', '{1m}')`,
    [CSV_SYMBOL],
  );
  for (const [i, symbol] of STOCKS.entries()) {
    await client.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
       SELECT $1, '1m', (d::date + time '09:30' + m * interval '1 minute') AT TIME ZONE 'America/New_York',
              p, p + 0.07, p - 0.06, p + 0.01, 1000 + (m * 37 + doy * 11) % 5000, p + 0.004, 10 + (m + doy) % 90, 'bench'
         FROM generate_series(make_date($2, 1, 1), make_date($2, 12, 31), interval '1 day') d
        CROSS JOIN generate_series(0, 389) m
        CROSS JOIN LATERAL (SELECT extract(doy FROM d)::int AS doy) x
        CROSS JOIN LATERAL (SELECT round(($3 + 10 * sin(doy / 20.0) + m * 0.003)::numeric, 2)::float8 AS p) px
        WHERE extract(isodow FROM d) < 6`,
      [symbol, YEAR, 50 + i * 20],
    );
    await client.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
       SELECT $1, '1d', d::date::timestamp AT TIME ZONE 'America/New_York',
              p, p + 2.5, p - 2.1, p + 0.4, 5e7 + doy * 1000, p + 0.2, 500000 + doy, 'bench'
         FROM generate_series(make_date($2, 1, 1), make_date($2, 12, 31), interval '1 day') d
        CROSS JOIN LATERAL (SELECT extract(doy FROM d)::int AS doy) x
        CROSS JOIN LATERAL (SELECT round(($3 + 10 * sin(doy / 20.0))::numeric, 2)::float8 AS p) px
        WHERE extract(isodow FROM d) < 6`,
      [symbol, YEAR, 50 + i * 20],
    );
    log(`  loaded ${symbol} (${i + 1}/${STOCKS.length})`);
  }
  await client.query(
    `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
     SELECT $1, '1m', TIMESTAMPTZ '2023-01-01 00:00:00+00' + m * interval '1 minute',
            40000 + m % 977, 40010 + m % 977, 39990 + m % 977, 40005 + m % 977,
            (m % 1000) / 7.0, 40002.5 + m % 977, m % 300, 'bench'
       FROM generate_series(0, $2 - 1) m`,
    [CSV_SYMBOL, CSV_BARS],
  );
  // Corporate actions as a large US stock has them (adjusted reads compute factors from these):
  // a 2-for-1 split in June and quarterly dividends.
  await client.query(
    `INSERT INTO splits (symbol, execution_date, split_from, split_to, source)
     SELECT s, make_date($2, 6, 10), 1, 2, 'bench' FROM unnest($1::text[]) s`,
    [STOCKS, YEAR],
  );
  await client.query(
    `INSERT INTO dividends (symbol, ex_dividend_date, pay_date, cash_amount, source)
     SELECT s, make_date($2, m, 14), make_date($2, m, 28), 0.25, 'bench'
       FROM unnest($1::text[]) s CROSS JOIN generate_series(2, 11, 3) m`,
    [STOCKS, YEAR],
  );
  await client.query(`ANALYZE bars`);
  await client.query(`ANALYZE symbols`);
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM bars`);
  return { bars: rows[0].n, seconds: (Date.now() - started) / 1000 };
}

/** Deterministic pseudo-random numbers, so every run asks the same questions. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WEEKDAYS = (() => {
  const days = [];
  for (
    let d = DateTime.fromObject({ year: YEAR, month: 1, day: 1 }, { zone: 'America/New_York' });
    d.year === YEAR;
    d = d.plus({ days: 1 })
  ) {
    if (d.weekday <= 5) days.push(d);
  }
  return days;
})();

/**
 * Distinct request paths for a scenario (default 1,200), as query strings every server accepts
 * (start/end ISO instants, end inclusive), the same in every run.
 */
function targets(scenario, count = 1200) {
  const next = random(42 + scenario.length);
  const list = new Set();
  const pick = (values) => values[Math.floor(next() * values.length)];
  for (let tries = 0; list.size < count && tries < count * 50; tries++) {
    const symbol = pick(STOCKS);
    const day = WEEKDAYS[Math.floor(next() * (WEEKDAYS.length - 60))];
    const early = WEEKDAYS[Math.floor(next() * 60)];
    const minute = Math.floor(next() * 390);
    const start = day.set({ hour: 9, minute: 30 }).plus({ minutes: minute });
    const midnight = (d) => d.setZone('UTC', { keepLocalTime: true }).startOf('day');
    const base = `/api/v1/historical/${encodeURIComponent(symbol)}`;
    let query;
    switch (scenario) {
      case 'bars1':
        query = `timeframe=1m&start=${iso(start)}&end=${iso(start.plus({ days: 1 }))}&limit=1`;
        break;
      case 'bars1000':
      case 'bars1000-all':
        query = `timeframe=1m&start=${iso(start)}&end=${iso(start.plus({ days: 30 }))}&limit=1000`;
        if (scenario === 'bars1000-all') query += '&adjustment=all';
        break;
      case 'bars10000':
        query = `timeframe=1m&start=${iso(start)}&end=${iso(start.plus({ days: 60 }))}&limit=10000`;
        break;
      case 'bars50000':
        query = `timeframe=1m&start=${iso(midnight(early))}&end=2024-12-31T23:59:59.999Z&limit=50000`;
        break;
      case 'agg5m':
        query = `timeframe=5m&start=${iso(midnight(day))}&end=${iso(midnight(day).plus({ days: 1 }).minus({ milliseconds: 1 }))}&limit=5000`;
        break;
      case 'agg5m1000':
        query = `timeframe=5m&start=${iso(start)}&end=${iso(start.plus({ days: 20 }))}&limit=1000`;
        break;
      case 'agg5m1000-no-end':
        query = `timeframe=5m&start=${iso(start)}&limit=1000`;
        break;
      case 'daily':
      case 'weekly':
        query = `timeframe=${scenario === 'daily' ? '1d' : '1w'}&start=${iso(midnight(early))}&end=${iso(midnight(early).plus({ years: 1 }))}`;
        break;
      case 'latest':
        list.add(`${base}/latest?timeframe=1m`);
        continue;
      case 'multi50000': {
        const symbols = [...STOCKS]
          .sort(() => next() - 0.5)
          .slice(0, 4)
          .join(',');
        query = `symbols=${encodeURIComponent(symbols)}&timeframe=1m&start=${iso(midnight(early))}&end=2024-12-31T23:59:59.999Z&limit=50000`;
        list.add(`/api/v1/historical?${query}`);
        continue;
      }
      default:
        throw new Error(`unknown scenario ${scenario}`);
    }
    list.add(`${base}?${query}`);
  }
  return [...list];
}

function iso(dt) {
  return dt.toUTC().toISO({ suppressMilliseconds: false });
}

module.exports = { loadDataset, targets, STOCKS, CSV_SYMBOL, CSV_BARS };

import { DataSource } from 'typeorm';

import { createApiKey } from '../../factories/api-keys';
import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';

const DAY = 86_400_000;
const MINUTE = 60_000;

export interface DashboardData {
  adminKey: string;
  /** Minute bars of AAPL: more than one page (5,000) of the chart. */
  minuteBars: number;
  minuteStart: string;
  today: string;
}

/**
 * The known warehouse the browser tests look at: AAPL with daily bars through today (fresh by
 * any calendar) and 6,000 minute bars, MSFT daily, and X:BTCUSD whose daily bars stopped six
 * days ago (stale: crypto trades every day). One open gap, and an admin key.
 */
export async function seedDashboardData(dataSource: DataSource): Promise<DashboardData> {
  const now = Date.now();
  const today = Date.UTC(
    new Date(now).getUTCFullYear(),
    new Date(now).getUTCMonth(),
    new Date(now).getUTCDate(),
  );
  await insertSymbols(dataSource, [
    { symbol: 'AAPL', name: 'Apple Inc.', exchange: 'XNAS', timeframes: ['1d', '1m'] },
    { symbol: 'MSFT', name: 'Microsoft Corp.', exchange: 'XNAS', timeframes: ['1d'] },
    { symbol: 'X:BTCUSD', name: 'Bitcoin / US dollar', assetClass: 'crypto', timeframes: ['1d'] },
  ]);
  // Daily stock bars at 05:00Z: the exchange-local date is the bar's date all year round.
  const weekdays = (days: number, endMs: number) =>
    makeBars(endMs - (days - 1) * DAY, days, DAY).filter((bar) => {
      const weekday = new Date(bar.ts).getUTCDay();
      return weekday !== 0 && weekday !== 6;
    });
  await insertBars(dataSource, 'AAPL', '1d', weekdays(400, today + 5 * 3_600_000));
  await insertBars(dataSource, 'MSFT', '1d', weekdays(400, today + 5 * 3_600_000));
  await insertBars(
    dataSource,
    'X:BTCUSD',
    '1d',
    makeBars(today - 200 * DAY, 195, DAY, { seed: 3 }),
  );
  const minuteBars = 6_000;
  const lastMinute = Math.floor(now / MINUTE) * MINUTE - MINUTE;
  const firstMinute = lastMinute - (minuteBars - 1) * MINUTE;
  await insertBars(
    dataSource,
    'AAPL',
    '1m',
    makeBars(firstMinute, minuteBars, MINUTE, { seed: 2 }),
  );
  await dataSource.query(
    `INSERT INTO data_gaps (symbol, timeframe, from_ts, to_ts, expected_bars, status)
     VALUES ('MSFT', '1d', $1, $2, 1, 'open')`,
    [new Date(today - 30 * DAY + 14.5 * 3_600_000), new Date(today - 30 * DAY + 21 * 3_600_000)],
  );
  const key = await createApiKey(dataSource, { scopes: ['admin'], name: 'dashboard test' });
  return {
    adminKey: key.key,
    minuteBars,
    minuteStart: new Date(firstMinute).toISOString().slice(0, 10),
    today: new Date(today).toISOString().slice(0, 10),
  };
}

import { Bar } from '../../../market/bar';
import { SyntheticMarket } from './synthetic-market';

const YEAR_2024: [number, number] = [Date.parse('2024-01-01'), Date.parse('2025-01-01')];

function assertSaneBar(bar: Bar): void {
  expect(bar.low).toBeGreaterThan(0);
  expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
  expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
  expect(bar.vwap).not.toBeNull();
  expect(bar.vwap as number).toBeGreaterThanOrEqual(bar.low);
  expect(bar.vwap as number).toBeLessThanOrEqual(bar.high);
  expect(bar.volume).toBeGreaterThan(0);
  expect(bar.trades).toBeGreaterThanOrEqual(1);
}

describe('SyntheticMarket', () => {
  const market = new SyntheticMarket();

  it('gives one daily stock bar per NYSE session, stamped at New York midnight', () => {
    const bars = [...market.bars('AAPL', 'stocks', '1d', ...YEAR_2024)];
    expect(bars).toHaveLength(252);
    expect(new Date(bars[0].ts).toISOString()).toBe('2024-01-02T05:00:00.000Z');
    const dates = bars.map((b) => new Date(b.ts).toISOString().slice(0, 10));
    expect(dates).not.toContain('2024-07-04');
    expect(dates).not.toContain('2024-03-29');
    bars.forEach(assertSaneBar);
  });

  it('gives minute stock bars only inside the regular session, fewer on half days', () => {
    const normal = market.minuteBars('AAPL', 'stocks', '2024-07-02', {});
    expect(normal).toHaveLength(390);
    expect(new Date(normal[0].ts).toISOString()).toBe('2024-07-02T13:30:00.000Z');
    expect(new Date(normal[389].ts).toISOString()).toBe('2024-07-02T19:59:00.000Z');
    expect(market.minuteBars('AAPL', 'stocks', '2024-07-03', {})).toHaveLength(210);
    expect(market.minuteBars('AAPL', 'stocks', '2024-07-04', {})).toHaveLength(0);
    expect(market.minuteBars('AAPL', 'stocks', '2024-07-06', {})).toHaveLength(0);
    expect(market.minuteBars('AAPL', 'stocks', '2024-07-02', { extendedHours: true })).toHaveLength(
      960,
    );
    normal.forEach(assertSaneBar);
  });

  it('keeps every minute bar of a year well-formed', () => {
    let count = 0;
    for (const bar of market.bars('MSFT', 'stocks', '1m', ...YEAR_2024)) {
      count += 1;
      if (bar.low > Math.min(bar.open, bar.close) || bar.high < Math.max(bar.open, bar.close)) {
        throw new Error(`bad bar ${JSON.stringify(bar)}`);
      }
    }
    expect(count).toBe(252 * 390 - 3 * 180);
  });

  it('is deterministic and independent of what was generated before', () => {
    const fresh = new SyntheticMarket();
    const a = fresh.minuteBars('NVDA', 'stocks', '2024-05-15', {});
    market.minuteBars('NVDA', 'stocks', '2020-01-02', {});
    const b = market.minuteBars('NVDA', 'stocks', '2024-05-15', {});
    expect(b).toEqual(a);
    expect(market.minuteBars('AMD', 'stocks', '2024-05-15', {})).not.toEqual(a);
  });

  it('aggregates the session minutes into the daily bar', () => {
    const minutes = market.minuteBars('AAPL', 'stocks', '2024-05-15', {});
    const daily = market.dailyBar('AAPL', 'stocks', '2024-05-15');
    expect(daily).toMatchObject({
      open: minutes[0].open,
      close: minutes[minutes.length - 1].close,
      high: Math.max(...minutes.map((b) => b.high)),
      low: Math.min(...minutes.map((b) => b.low)),
    });
  });

  it('trades crypto every UTC day and minute with fractional volume', () => {
    const days = [
      ...market.bars(
        'X:BTCUSD',
        'crypto',
        '1d',
        Date.parse('2024-12-24'),
        Date.parse('2024-12-27'),
      ),
    ];
    expect(days.map((b) => new Date(b.ts).toISOString())).toEqual([
      '2024-12-24T00:00:00.000Z',
      '2024-12-25T00:00:00.000Z',
      '2024-12-26T00:00:00.000Z',
    ]);
    const minutes = market.minuteBars('X:BTCUSD', 'crypto', '2024-12-25', {});
    expect(minutes).toHaveLength(1440);
    expect(minutes.some((b) => !Number.isInteger(b.volume))).toBe(true);
    expect(days[0].close).toBeGreaterThan(1000);
  });

  it('stays within a plausible band of the base price over decades', () => {
    const early = market.dailyBar('KO', 'stocks', '2000-06-01') as Bar;
    const late = market.dailyBar('KO', 'stocks', '2030-06-03') as Bar;
    expect(late.close / early.close).toBeGreaterThan(0.1);
    expect(late.close / early.close).toBeLessThan(10);
  });
});

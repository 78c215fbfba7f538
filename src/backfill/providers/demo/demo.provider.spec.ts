import { Bar } from '../../../market/bar';
import { BarsRequest } from '../market-data-provider';
import { DemoProvider } from './demo.provider';

async function drain(iterable: AsyncIterable<Bar[]>): Promise<Bar[][]> {
  const pages: Bar[][] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

const request: BarsRequest = {
  symbol: 'AAPL',
  assetClass: 'stocks',
  timeframe: '1m',
  from: new Date('2024-01-02T00:00:00Z'),
  to: new Date('2024-01-05T00:00:00Z'),
};

describe('DemoProvider', () => {
  it('is labelled synthetic', () => {
    expect(new DemoProvider().name).toBe('synthetic');
  });

  it('pages the minutes of every session date in the window, 04:00 to 20:00 New York', async () => {
    const provider = new DemoProvider({ now: () => Date.parse('2025-01-01'), pageSize: 500 });
    const pages = await drain(provider.getBars(request));
    expect(pages.map((p) => p.length)).toEqual([500, 500, 500, 500, 500, 500, 500, 340]);
    const bars = pages.flat();
    expect(new Date(bars[0].ts).toISOString()).toBe('2024-01-02T09:00:00.000Z');
    expect(new Date(bars[bars.length - 1].ts).toISOString()).toBe('2024-01-06T00:59:00.000Z');
  });

  it('never returns a bar that has not finished (the live edge)', async () => {
    const now = Date.parse('2024-01-03T15:00:30Z');
    const provider = new DemoProvider({ now: () => now });
    const minutes = (await drain(provider.getBars(request))).flat();
    expect(new Date(minutes[minutes.length - 1].ts).toISOString()).toBe('2024-01-03T14:59:00.000Z');
    const days = (await drain(provider.getBars({ ...request, timeframe: '1d' }))).flat();
    expect(days.map((b) => new Date(b.ts).toISOString())).toEqual(['2024-01-02T05:00:00.000Z']);
  });

  it('returns the same bars on every call', async () => {
    const a = (
      await drain(new DemoProvider({ now: () => Date.parse('2025-01-01') }).getBars(request))
    ).flat();
    const b = (
      await drain(new DemoProvider({ now: () => Date.parse('2025-01-01') }).getBars(request))
    ).flat();
    expect(b).toEqual(a);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    const provider = new DemoProvider({ now: () => Date.parse('2025-01-01') });
    await expect(
      drain(provider.getBars({ ...request, signal: controller.signal })),
    ).rejects.toMatchObject({
      code: 'aborted',
    });
  });

  it("reports NVDA's yearly split and quarterly dividends on session dates for some stocks", async () => {
    const provider = new DemoProvider({ now: () => Date.parse('2024-12-31') });
    const splits = await provider.getSplits({ symbol: 'NVDA' });
    expect(splits.at(-1)).toEqual({
      executionDate: '2024-06-10',
      splitFrom: 1,
      splitTo: 2,
      adjustmentType: 'forward_split',
    });
    // 2022-06-10 is a Friday, 2023-06-10 a Saturday: the next session.
    expect(splits.map((s) => s.executionDate)).toEqual(
      expect.arrayContaining(['2022-06-10', '2023-06-12']),
    );
    expect(await provider.getSplits({ symbol: 'AAPL' })).toEqual([]);
    const symbols = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META'];
    const all = await Promise.all(symbols.map((symbol) => provider.getDividends({ symbol })));
    const paying = all.filter((d) => d.length > 0);
    expect(paying.length).toBeGreaterThan(0);
    expect(paying[0]).toHaveLength(10 * 4);
    expect(await provider.getDividends({ symbol: 'X:BTCUSD' })).toEqual([]);
  });

  it('gives NVDA raw bars that halve on the split day and pay about 1% a year', async () => {
    const provider = new DemoProvider({ now: () => Date.parse('2024-12-31') });
    const bars = await drain(
      provider.getBars({
        symbol: 'NVDA',
        timeframe: '1d',
        assetClass: 'stocks',
        from: new Date('2024-06-07'),
        to: new Date('2024-06-10'),
      }),
    );
    const [friday, monday] = bars.flat();
    expect(monday.open / friday.close).toBeCloseTo(0.5, 1);
    expect(monday.volume / friday.volume).toBeGreaterThan(1.5);
    const dividends = await provider.getDividends({ symbol: 'NVDA' });
    const june = dividends.find((d) => d.exDividendDate === '2024-05-15');
    expect(june?.cashAmount).toBeCloseTo(friday.close * 2 * 0.0025, 0);
  });
});

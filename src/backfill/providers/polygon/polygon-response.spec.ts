import { checkAggregates, checkDividends, checkSplits } from './polygon-response';

const bar = { v: 10, vw: 1.5, o: 1, c: 2, h: 2.5, l: 0.5, t: 1_704_171_600_000, n: 3 };

describe('Polygon response shape checks', () => {
  it('maps a documented aggregates page', () => {
    expect(
      checkAggregates({ status: 'OK', results: [bar], next_url: 'https://x/y?cursor=1' }),
    ).toEqual({
      items: [
        { ts: bar.t, open: 1, high: 2.5, low: 0.5, close: 2, volume: 10, vwap: 1.5, trades: 3 },
      ],
      nextUrl: 'https://x/y?cursor=1',
      rejected: [],
    });
  });

  it('accepts a page without results and DELAYED data; null vwap/trades when absent', () => {
    expect(checkAggregates({ status: 'OK', resultsCount: 0 })).toEqual({
      items: [],
      nextUrl: null,
      rejected: [],
    });
    const delayed = checkAggregates({
      status: 'DELAYED',
      results: [{ ...bar, vw: undefined, n: undefined }],
    });
    expect(delayed).toMatchObject({ items: [{ vwap: null, trades: null }] });
  });

  it.each([
    ['a string body', '{"status":"OK","res'],
    ['an error status', { status: 'ERROR', error: 'x' }],
    ['results not an array', { status: 'OK', results: {} }],
    ['a bar without open', { status: 'OK', results: [{ ...bar, o: undefined }] }],
    ['a string price', { status: 'OK', results: [{ ...bar, c: '2' }] }],
    ['a fractional timestamp', { status: 'OK', results: [{ ...bar, t: 1.5 }] }],
    ['descending bars', { status: 'OK', results: [bar, { ...bar, t: bar.t - 60_000 }] }],
    ['a numeric next_url', { status: 'OK', results: [bar], next_url: 5 }],
  ])('rejects the whole page for %s', (_name, body) => {
    expect(typeof checkAggregates(body)).toBe('string');
  });

  it('drops bars with impossible values one by one and keeps the rest of the page', () => {
    // 1e999 is how an overflowing price arrives in JSON: JSON.parse reads it as Infinity.
    const body = JSON.parse(
      JSON.stringify({
        status: 'OK',
        results: [
          bar,
          { ...bar, t: bar.t + 60_000, v: -5 },
          { ...bar, t: bar.t + 120_000, h: 0 },
          { ...bar, t: bar.t + 180_000 },
          { ...bar, t: bar.t + 240_000, vw: 0 },
        ],
      })
        .replace('"h":0', '"h":1e999')
        .replace('"vw":0', '"vw":-1e999'),
    ) as unknown;
    const page = checkAggregates(body);
    if (typeof page === 'string') throw new Error(page);
    expect(page.items.map((b) => b.ts)).toEqual([bar.t, bar.t + 180_000]);
    expect(page.rejected).toEqual([
      `results[1] (t=${bar.t + 60_000}) has a negative volume (-5)`,
      `results[2] (t=${bar.t + 120_000}) has a non-finite price`,
      `results[4] (t=${bar.t + 240_000}) has a non-finite vwap`,
    ]);
  });

  it('maps Massive splits, and rejects a page whose split has no ratio', () => {
    expect(
      checkSplits({
        status: 'OK',
        request_id: 'r1',
        results: [
          {
            ticker: 'AAPL',
            execution_date: '2020-08-31',
            split_from: 1,
            split_to: 4,
            adjustment_type: 'forward_split',
            historical_adjustment_factor: 0.25,
            id: 'E1',
          },
          { ticker: 'AAPL', execution_date: '2021-01-04', split_from: 10, split_to: 1 },
        ],
      }),
    ).toEqual({
      items: [
        {
          executionDate: '2020-08-31',
          splitFrom: 1,
          splitTo: 4,
          adjustmentType: 'forward_split',
        },
        {
          executionDate: '2021-01-04',
          splitFrom: 10,
          splitTo: 1,
          adjustmentType: 'reverse_split',
        },
      ],
      nextUrl: null,
      rejected: [],
    });
    expect(typeof checkSplits({ status: 'OK', results: [{ execution_date: '2020-08-31' }] })).toBe(
      'string',
    );
  });

  it('drops a split that cannot be applied (no execution date, a zero ratio) and reports it', () => {
    const page = checkSplits({
      status: 'OK',
      results: [
        { execution_date: null, split_from: 1, split_to: 2, adjustment_type: 'forward_split' },
        { execution_date: '2020-08-31', split_from: 0, split_to: 2 },
        { execution_date: '2020-09-01', split_from: 1, split_to: 2 },
      ],
    });
    if (typeof page === 'string') throw new Error(page);
    expect(page.items.map((s) => s.executionDate)).toEqual(['2020-09-01']);
    expect(page.rejected).toEqual([
      'results[0] (split 1:2) has no execution_date',
      'results[1] (split of 2020-08-31) has a non-positive or infinite ratio',
    ]);
  });

  it('maps Massive dividends and rejects a page with a bad ex-date', () => {
    const page = checkDividends({
      status: 'OK',
      request_id: 'r2',
      results: [
        {
          ticker: 'AAPL',
          ex_dividend_date: '2024-02-09',
          pay_date: '2024-02-15',
          cash_amount: 0.24,
          currency: 'usd',
          distribution_type: 'recurring',
          frequency: 4,
          split_adjusted_cash_amount: 0.24,
          historical_adjustment_factor: 0.9987,
          id: 'D1',
        },
        { ticker: 'AAPL', ex_dividend_date: '2024-05-10', cash_amount: 1 },
      ],
    });
    expect(page).toEqual({
      items: [
        {
          exDividendDate: '2024-02-09',
          payDate: '2024-02-15',
          recordDate: null,
          declarationDate: null,
          cashAmount: 0.24,
          currency: 'USD',
          distributionType: 'recurring',
          frequency: 4,
        },
        {
          exDividendDate: '2024-05-10',
          payDate: null,
          recordDate: null,
          declarationDate: null,
          cashAmount: 1,
          currency: 'USD',
          distributionType: 'unknown',
          frequency: null,
        },
      ],
      nextUrl: null,
      rejected: [],
    });
    expect(
      typeof checkDividends({
        status: 'OK',
        results: [{ ex_dividend_date: 'soon', cash_amount: 1 }],
      }),
    ).toBe('string');
    expect(
      typeof checkDividends({
        status: 'OK',
        results: [{ ex_dividend_date: '2024-01-02', cash_amount: 1, distribution_type: 4 }],
      }),
    ).toBe('string');
  });

  it('drops a dividend with a negative amount and reports it', () => {
    const page = checkDividends({
      status: 'OK',
      results: [{ ex_dividend_date: '2024-02-09', cash_amount: -1 }],
    });
    if (typeof page === 'string') throw new Error(page);
    expect(page.items).toEqual([]);
    expect(page.rejected).toEqual([
      'results[0] (ex-date 2024-02-09) has an impossible cash_amount',
    ]);
  });
});

import { BarsRequest } from '../../../src/backfill/providers/market-data-provider';
import { checkAggregates } from '../../../src/backfill/providers/polygon/polygon-response';
import { UpstreamError } from '../../../src/backfill/providers/upstream.error';
import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import { collectPages, polygonAgainst } from '../../fake-polygon/polygon-under-test';

const JAN_WEEK: BarsRequest = {
  symbol: 'AAPL',
  timeframe: '1m',
  assetClass: 'stocks',
  from: new Date('2024-01-02T00:00:00Z'),
  to: new Date('2024-01-05T00:00:00Z'),
};

describe('Polygon provider against the fake Polygon server', () => {
  let fake: FakePolygon;

  beforeEach(async () => {
    fake = await startFakePolygon({
      splits: {
        AAPL: [
          { execution_date: '2020-08-31', split_from: 1, split_to: 4 },
          { execution_date: '2014-06-09', split_from: 1, split_to: 7 },
          { execution_date: '2005-02-28', split_from: 1, split_to: 2 },
        ],
      },
      dividends: {
        AAPL: [
          {
            ex_dividend_date: '2024-02-09',
            pay_date: '2024-02-15',
            cash_amount: 0.24,
            currency: 'USD',
            distribution_type: 'recurring',
            frequency: 4,
          },
          {
            ex_dividend_date: '2023-11-10',
            pay_date: '2023-11-16',
            cash_amount: 0.24,
            currency: 'USD',
            distribution_type: 'recurring',
            frequency: 4,
          },
        ],
      },
      pageSize: 2_000,
    });
  });
  afterEach(() => fake.close());

  it('fetches every page and equals the upstream bar for bar', async () => {
    const { provider } = polygonAgainst(fake, { pageLimit: 500 });
    const { pages, error } = await collectPages(provider.getBars(JAN_WEEK));
    expect(error).toBeNull();
    const expected = fake.expectedBars('AAPL', '1m', '2024-01-02', '2024-01-05');
    expect(expected).toHaveLength(4 * 390);
    expect(pages.length).toBe(Math.ceil(expected.length / 500));
    expect(pages.flat()).toEqual(expected);
  });

  it('adds the key to every page although next_url omits it', async () => {
    const { provider } = polygonAgainst(fake, { pageLimit: 500 });
    await collectPages(provider.getBars(JAN_WEEK));
    const requests = fake.aggregateRequests('AAPL');
    expect(requests.length).toBe(4);
    for (const request of requests) expect(request.query.apiKey).toBe(fake.key);
    expect(requests.slice(1).every((r) => r.query.cursor !== undefined)).toBe(true);
    expect(requests[0].query).toMatchObject({ adjusted: 'false', sort: 'asc', limit: '500' });
    expect(requests.every((r) => r.outcome === 200)).toBe(true);
  });

  it('stamps daily stock bars at New York midnight and crypto at UTC midnight', async () => {
    const { provider } = polygonAgainst(fake);
    const stocks = await collectPages(
      provider.getBars({ ...JAN_WEEK, timeframe: '1d', to: new Date('2024-01-19T00:00:00Z') }),
    );
    const stamps = stocks.pages.flat().map((b) => new Date(b.ts).toISOString());
    expect(stamps[0]).toBe('2024-01-02T05:00:00.000Z');
    expect(stamps).not.toContain('2024-01-15T05:00:00.000Z'); // MLK Day
    expect(stamps).toHaveLength(13);
    const crypto = await collectPages(
      provider.getBars({
        symbol: 'X:BTCUSD',
        assetClass: 'crypto',
        timeframe: '1d',
        from: new Date('2024-12-24T00:00:00Z'),
        to: new Date('2024-12-26T00:00:00Z'),
      }),
    );
    expect(crypto.pages.flat().map((b) => new Date(b.ts).toISOString())).toEqual([
      '2024-12-24T00:00:00.000Z',
      '2024-12-25T00:00:00.000Z',
      '2024-12-26T00:00:00.000Z',
    ]);
    expect(fake.aggregateRequests('X:BTCUSD')[0].path).toContain('/ticker/X:BTCUSD/');
  });

  it("reads paginated splits and dividends from Massive's current endpoints", async () => {
    const small = await startFakePolygon({
      key: fake.key,
      pageSize: 2,
      splits: {
        AAPL: [
          { execution_date: '2020-08-31', split_from: 1, split_to: 4 },
          { execution_date: '2014-06-09', split_from: 1, split_to: 7 },
          { execution_date: '2005-02-28', split_from: 1, split_to: 2 },
        ],
      },
    });
    try {
      const { provider } = polygonAgainst(small);
      expect(await provider.getSplits({ symbol: 'AAPL' })).toEqual([
        {
          executionDate: '2005-02-28',
          splitFrom: 1,
          splitTo: 2,
          adjustmentType: 'forward_split',
        },
        {
          executionDate: '2014-06-09',
          splitFrom: 1,
          splitTo: 7,
          adjustmentType: 'forward_split',
        },
        {
          executionDate: '2020-08-31',
          splitFrom: 1,
          splitTo: 4,
          adjustmentType: 'forward_split',
        },
      ]);
      expect(small.requests.map((r) => r.path)).toEqual(['/stocks/v1/splits', '/stocks/v1/splits']);
      expect(small.requests[0].query).toMatchObject({
        ticker: 'AAPL',
        limit: '5000',
        sort: 'execution_date.asc',
      });
      expect(small.requests.every((r) => r.query.apiKey === small.key)).toBe(true);
    } finally {
      await small.close();
    }
    const { provider } = polygonAgainst(fake);
    const dividends = await provider.getDividends({ symbol: 'AAPL' });
    expect(dividends.map((d) => d.exDividendDate)).toEqual(['2023-11-10', '2024-02-09']);
    expect(dividends[1]).toMatchObject({
      cashAmount: 0.24,
      payDate: '2024-02-15',
      frequency: 4,
      distributionType: 'recurring',
    });
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/stocks/v1/dividends',
      query: { ticker: 'AAPL', limit: '5000', sort: 'ex_dividend_date.asc' },
    });
    expect(await provider.getSplits({ symbol: 'MSFT' })).toEqual([]);
  });

  it('reports split records it cannot use and keeps the others', async () => {
    fake.setCorporateActions('AAPL', {
      splits: [
        { execution_date: null, split_from: 1, split_to: 3 },
        { execution_date: '2020-08-31', split_from: 1, split_to: 4 },
      ],
    });
    const rejected: string[] = [];
    const { provider } = polygonAgainst(fake);
    const splits = await provider.getSplits({
      symbol: 'AAPL',
      onRejected: (reasons) => rejected.push(...reasons),
    });
    expect(splits.map((s) => s.executionDate)).toEqual(['2020-08-31']);
    expect(rejected).toEqual([expect.stringContaining('has no execution_date')]);
  });

  it('yields nothing for a window without data', async () => {
    const { provider } = polygonAgainst(fake);
    const weekend = await collectPages(
      provider.getBars({ ...JAN_WEEK, from: new Date('2024-01-06'), to: new Date('2024-01-07') }),
    );
    expect(weekend).toEqual({ pages: [], error: null });
    fake.setFault({ fault: { kind: 'empty' } });
    expect(await collectPages(provider.getBars(JAN_WEEK))).toEqual({ pages: [], error: null });
  });

  it('fails a wrong key at once with a typed, non-retryable error', async () => {
    const { provider } = polygonAgainst(fake, { apiKey: 'wrong-key' });
    const { error } = await collectPages(provider.getBars(JAN_WEEK));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, retryable: false });
    expect((error as Error).message).toContain('Unknown API Key');
    expect(fake.requests).toHaveLength(1);
  });

  it('never sends the key to another host named in next_url', async () => {
    const other = await startFakePolygon({ key: fake.key, pageSize: 100 });
    try {
      // The first page comes from `other`, whose next_url names `other`; the client is
      // configured for `fake`, so the continuation must go to `fake`, not to `other`.
      const { client } = polygonAgainst(fake);
      const start = `${other.url}/v2/aggs/ticker/AAPL/range/1/minute/2024-01-02/2024-01-02?adjusted=false&sort=asc&limit=500`;
      const { pages, error } = await collectPages(client.pages(start, checkAggregates));
      expect(error).toBeNull();
      expect(pages.flatMap((page) => page.items)).toHaveLength(390);
      expect(other.requests).toHaveLength(1);
      expect(fake.requests).toHaveLength(3);
      expect(fake.requests.every((r) => r.query.cursor !== undefined)).toBe(true);
    } finally {
      await other.close();
    }
  });
});

import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';

/** The fake is test infrastructure other suites rely on: pin its wire format. */
describe('fake Polygon server', () => {
  let fake: FakePolygon;

  beforeAll(async () => {
    fake = await startFakePolygon({
      pageSize: 100,
      extendedHours: true,
      missingSessions: { MSFT: ['2024-03-05'] },
      now: () => Date.parse('2024-03-07T15:00:00Z'),
    });
  });
  afterAll(() => fake.close());

  const aggs = (path: string, key = fake.key) =>
    fetch(`${fake.url}${path}${path.includes('?') ? '&' : '?'}apiKey=${key}`);

  it('answers a wrong key with 401 and Polygon’s error body', async () => {
    const res = await aggs(
      '/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/2024-01-05?adjusted=false&sort=asc',
      'nope',
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      status: 'ERROR',
      request_id: expect.any(String),
      error: 'Unknown API Key',
    });
  });

  it('paginates with an absolute next_url that carries a cursor but not the key', async () => {
    const res = await aggs(
      '/v2/aggs/ticker/AAPL/range/1/minute/2024-01-02/2024-01-02?adjusted=false&sort=asc&limit=50000',
    );
    const body = (await res.json()) as { next_url: string; results: Record<string, number>[] };
    expect(body).toMatchObject({
      status: 'OK',
      resultsCount: 100,
      adjusted: false,
      ticker: 'AAPL',
    });
    expect(body.next_url).toMatch(new RegExp(`^${fake.url}/v2/aggs/ticker/AAPL/.*\\?cursor=`));
    expect(body.next_url).not.toContain(fake.key);
    expect(Object.keys(body.results[0]).sort()).toEqual(['c', 'h', 'l', 'n', 'o', 't', 'v', 'vw']);
  });

  it('serves extended hours when asked: 04:00 to 20:00 New York', () => {
    const bars = fake.expectedBars('AAPL', '1m', '2024-01-02', '2024-01-02');
    expect(bars).toHaveLength(16 * 60);
    expect(new Date(bars[0].ts).toISOString()).toBe('2024-01-02T09:00:00.000Z');
  });

  it('leaves out a missing session and everything past the live edge', () => {
    const days = fake.expectedBars('MSFT', '1d', '2024-03-01', '2024-03-08');
    expect(days.map((b) => new Date(b.ts).toISOString().slice(0, 10))).toEqual([
      '2024-03-01',
      '2024-03-04',
      '2024-03-06',
    ]);
    const minutes = fake.expectedBars('MSFT', '1m', '2024-03-07', '2024-03-07');
    expect(new Date(minutes[minutes.length - 1].ts).toISOString()).toBe('2024-03-07T14:59:00.000Z');
  });

  it('records every request with its query', async () => {
    const before = fake.requests.length;
    await aggs('/stocks/v1/splits?ticker=AAPL');
    expect(fake.requests.slice(before)).toEqual([
      expect.objectContaining({
        path: '/stocks/v1/splits',
        query: { ticker: 'AAPL', apiKey: fake.key },
        outcome: 200,
      }),
    ]);
  });
});

describe("fake Polygon server: Massive's corporate-actions endpoints", () => {
  let fake: FakePolygon;

  beforeAll(async () => {
    fake = await startFakePolygon({
      splits: {
        NVDA: [
          { execution_date: '2021-07-20', split_from: 1, split_to: 4 },
          { execution_date: '2024-06-10', split_from: 1, split_to: 10 },
        ],
      },
      dividends: {
        NVDA: [
          { ex_dividend_date: '2024-03-05', cash_amount: 0.16 },
          { ex_dividend_date: '2024-06-11', cash_amount: 0.01, distribution_type: 'recurring' },
        ],
      },
    });
  });
  afterAll(() => fake.close());

  const get = async (path: string) => {
    const res = await fetch(
      `${fake.url}${path}${path.includes('?') ? '&' : '?'}apiKey=${fake.key}`,
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('serves splits with the fields Massive derives, newest first by default', async () => {
    const { status, body } = await get('/stocks/v1/splits?ticker=NVDA');
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'OK',
      request_id: expect.any(String),
      results: [
        {
          ticker: 'NVDA',
          execution_date: '2024-06-10',
          split_from: 1,
          split_to: 10,
          adjustment_type: 'forward_split',
          historical_adjustment_factor: 0.1,
          id: expect.any(String),
        },
        {
          ticker: 'NVDA',
          execution_date: '2021-07-20',
          split_from: 1,
          split_to: 4,
          adjustment_type: 'forward_split',
          historical_adjustment_factor: 0.025,
          id: expect.any(String),
        },
      ],
    });
  });

  it('serves dividends with split-adjusted amounts and a cumulative factor', async () => {
    const { body } = await get('/stocks/v1/dividends?ticker=NVDA&sort=ex_dividend_date.asc');
    const results = body.results as Record<string, number | string>[];
    expect(results.map((r) => r.ex_dividend_date)).toEqual(['2024-03-05', '2024-06-11']);
    expect(results[0]).toMatchObject({
      cash_amount: 0.16,
      currency: 'USD',
      distribution_type: 'recurring',
      split_adjusted_cash_amount: 0.016,
    });
    expect(results[1].split_adjusted_cash_amount).toBe(0.01);
    expect(results[0].historical_adjustment_factor).toBeLessThan(
      results[1].historical_adjustment_factor as number,
    );
  });

  it('pages with next_url, and refuses what Massive refuses', async () => {
    const first = await get('/stocks/v1/splits?ticker=NVDA&limit=1&sort=execution_date.asc');
    expect((first.body.results as unknown[]).length).toBe(1);
    const next = new URL(first.body.next_url as string);
    expect(next.searchParams.get('apiKey')).toBeNull();
    const second = await get(`${next.pathname}${next.search}`);
    expect(second.body.results).toEqual([
      expect.objectContaining({ execution_date: '2024-06-10' }),
    ]);
    expect(second.body.next_url).toBeUndefined();

    expect((await get('/stocks/v1/splits?limit=5001')).status).toBe(400);
    expect((await get('/stocks/v1/splits?sort=split_to.asc')).status).toBe(400);
    // The deprecated endpoints are not served: a client still on them fails here.
    expect((await get('/v3/reference/splits?ticker=NVDA')).status).toBe(404);
    expect((await get('/v3/reference/dividends?ticker=NVDA')).status).toBe(404);
  });
});

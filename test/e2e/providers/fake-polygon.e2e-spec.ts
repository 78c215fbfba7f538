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
    await aggs('/v3/reference/splits?ticker=AAPL');
    expect(fake.requests.slice(before)).toEqual([
      expect.objectContaining({
        path: '/v3/reference/splits',
        query: { ticker: 'AAPL', apiKey: fake.key },
        outcome: 200,
      }),
    ]);
  });
});

import request from 'supertest';

import { createApiKey } from '../../factories/api-keys';
import { insertSymbols } from '../../factories/symbols';
import { FakePolygon, startFakePolygon } from '../../fake-polygon/fake-polygon.server';
import { fakePolygonEnv } from '../../fake-polygon/fake-polygon-env';
import { startTestApp, TestApp } from '../../support/test-app';
import { backfill, waitForRun } from '../backfill/backfill-helpers';

interface GapBody {
  symbol: string;
  timeframe: string;
  from: string;
  to: string;
  status: string;
  expectedBars: number;
}

describe('gap detection and repair', () => {
  let fake: FakePolygon;
  let t: TestApp;
  let admin: string;

  const gaps = async (query: string): Promise<GapBody[]> => {
    const res = await request(t.url).get(`/api/v1/admin/gaps?${query}`).set('X-API-Key', admin);
    expect(res.status).toBe(200);
    return res.body.gaps;
  };

  beforeAll(async () => {
    // Upstream's live edge is 2024-04-03: later sessions are not published yet.
    fake = await startFakePolygon({
      now: () => Date.parse('2024-04-03T00:00:00Z'),
      missingSessions: { AAPL: ['2024-03-05'] },
    });
    t = await startTestApp({
      env: fakePolygonEnv(fake),
    });
    admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL', timeframes: ['1d', '1m'] },
      { symbol: 'MSFT', timeframes: ['1d'] },
      { symbol: 'X:BTCUSD', assetClass: 'crypto', timeframes: ['1d'] },
    ]);
    // March 2024: weekends, Good Friday (03-29) closed; upstream lacks AAPL's 03-05 session.
    const run = await backfill(t.url, admin, { from: '2024-03-01', to: '2024-03-28' });
    expect(run.status).toBe('succeeded');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('records a deliberately missing session as one open gap per timeframe', async () => {
    expect(await gaps('symbol=aapl')).toEqual([
      expect.objectContaining({
        symbol: 'AAPL',
        timeframe: '1d',
        from: '2024-03-05T14:30:00.000Z',
        to: '2024-03-05T21:00:00.000Z',
        status: 'open',
        expectedBars: 1,
      }),
      expect.objectContaining({
        symbol: 'AAPL',
        timeframe: '1m',
        from: '2024-03-05T14:30:00.000Z',
        status: 'open',
        expectedBars: 390,
      }),
    ]);
  });

  it('never records weekends or holidays as gaps', async () => {
    expect(await gaps('symbol=MSFT')).toEqual([]);
    expect(await gaps('symbol=X:BTCUSD')).toEqual([]);
  });

  it('marks missing sessions at the live edge as not yet available', async () => {
    const run = await backfill(t.url, admin, {
      symbols: ['MSFT'],
      timeframes: ['1d'],
      from: '2024-03-25',
      to: '2024-04-05',
    });
    expect(run.status).toBe('succeeded');
    const msft = await gaps('symbol=MSFT');
    expect(msft.map((gap) => [gap.from.slice(0, 10), gap.status])).toEqual([
      ['2024-04-03', 'not_yet_available'],
      ['2024-04-04', 'not_yet_available'],
      ['2024-04-05', 'not_yet_available'],
    ]);
    const filtered = await gaps('status=not_yet_available');
    expect(filtered).toHaveLength(3);
  });

  it('repairs a gap upstream can now fill and confirms the ones it cannot', async () => {
    // A window upstream answers empty (OK, no results) leaves an interior open gap for MSFT.
    fake.setFault({ fault: { kind: 'empty' }, ticker: 'MSFT', path: /aggs/ });
    await t.dataSource.query(`DELETE FROM bars WHERE symbol = 'MSFT' AND ts::date = '2024-03-12'`);
    const emptyRun = await backfill(t.url, admin, {
      symbols: ['MSFT'],
      from: '2024-03-12',
      to: '2024-03-12',
    });
    expect(emptyRun.barsFetched).toBe(0);
    fake.clearFaults();
    expect((await gaps('status=open')).map((g) => `${g.symbol}/${g.timeframe}/${g.from}`)).toEqual([
      'AAPL/1d/2024-03-05T14:30:00.000Z',
      'AAPL/1m/2024-03-05T14:30:00.000Z',
      'MSFT/1d/2024-03-12T13:30:00.000Z',
    ]);

    const res = await request(t.url)
      .post('/api/v1/admin/gaps/repair')
      .set('X-API-Key', admin)
      .send({})
      .expect(202);
    const repair = await waitForRun(t.url, admin, res.body.runId);
    expect(repair.status).toBe('succeeded');
    expect(repair.series).toHaveLength(3);

    const after = await gaps('');
    const status = (symbol: string, timeframe: string, day: string) =>
      after.find((g) => g.symbol === symbol && g.timeframe === timeframe && g.from.startsWith(day))
        ?.status;
    expect(status('MSFT', '1d', '2024-03-12')).toBe('repaired');
    expect(status('AAPL', '1d', '2024-03-05')).toBe('confirmed_empty');
    expect(status('AAPL', '1m', '2024-03-05')).toBe('confirmed_empty');
    expect(await gaps('status=open')).toEqual([]);
  });

  it('rejects an unknown gap status filter', async () => {
    const res = await request(t.url)
      .get('/api/v1/admin/gaps?status=closed')
      .set('X-API-Key', admin)
      .expect(400);
    expect(res.body.errors[0].field).toBe('status');
  });
});

import request from 'supertest';

import { CorporateActionsService } from '../../../src/corporate-actions/corporate-actions.service';
import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

const MINUTE = 60_000;
const START = Date.UTC(2024, 1, 5, 14, 30);
const RANGE = 'timeframe=1m&start=2024-02-05&end=2024-02-05';

/**
 * A corporate action changes what adjusted reads of its symbol return, so storing one drops the
 * symbol's cached pages at once, exactly as a bar write does. Bars below are inserted without any
 * notification: only an invalidation lets a read see them, which tells whether the cache answered.
 */
describe('corporate actions and the read cache', () => {
  let t: TestApp;
  const split = {
    executionDate: '2024-06-10',
    splitFrom: 1,
    splitTo: 10,
    adjustmentType: 'forward_split',
  };
  const dividend = {
    exDividendDate: '2024-05-10',
    payDate: '2024-05-16',
    recordDate: null,
    declarationDate: null,
    cashAmount: 0.25,
    currency: 'USD',
    distributionType: 'recurring',
    frequency: 4,
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { CACHE_TTL_SECONDS: '300' } });
    await insertSymbols(t.dataSource, [{ symbol: 'NVDA' }, { symbol: 'AMD' }]);
    await insertBars(t.dataSource, 'NVDA', '1m', makeBars(START, 100, MINUTE, { seed: 3 }));
    await insertBars(t.dataSource, 'AMD', '1m', makeBars(START, 100, MINUTE, { seed: 4 }));
  });
  afterAll(() => t.close());

  const countOf = async (symbol: string, query = RANGE) =>
    (await request(t.url).get(`/api/v1/historical/${symbol}?${query}`).expect(200)).body
      .count as number;
  const addSilently = (symbol: string, at: number) =>
    insertBars(t.dataSource, symbol, '1m', makeBars(START + at * MINUTE, 1, MINUTE));

  it("drops the symbol's cached pages when a split is stored, and only that symbol's", async () => {
    expect(await countOf('NVDA')).toBe(100);
    expect(await countOf('AMD')).toBe(100);
    await addSilently('NVDA', 100);
    await addSilently('AMD', 100);
    expect(await countOf('NVDA')).toBe(100); // cached

    await t.app.get(CorporateActionsService).storeSplits('NVDA', [split], 'polygon');
    expect(await countOf('NVDA')).toBe(101);
    expect(await countOf('AMD')).toBe(100); // another symbol's page is still the cached one
  });

  it('drops them when a dividend is stored, and keeps them when a refresh brings nothing new', async () => {
    const store = t.app.get(CorporateActionsService);
    expect(await countOf('NVDA')).toBe(101);
    await addSilently('NVDA', 101);
    await store.storeDividends('NVDA', [dividend], 'polygon');
    expect(await countOf('NVDA')).toBe(102);

    await addSilently('NVDA', 102);
    await store.storeDividends('NVDA', [dividend], 'polygon');
    await store.storeSplits('NVDA', [split], 'polygon');
    expect(await countOf('NVDA')).toBe(102); // nothing changed, nothing dropped
  });

  it('drops aggregated pages of the symbol too', async () => {
    const hourly = RANGE.replace('1m', '1h');
    const before = (await request(t.url).get(`/api/v1/historical/NVDA?${hourly}`).expect(200))
      .body as { bars: { volume: number }[] };
    await insertBars(t.dataSource, 'NVDA', '1m', makeBars(START + 103 * MINUTE, 1, MINUTE));
    await t.app
      .get(CorporateActionsService)
      .storeSplits('NVDA', [split, { ...split, executionDate: '2025-06-10' }], 'polygon');
    const after = (await request(t.url).get(`/api/v1/historical/NVDA?${hourly}`).expect(200))
      .body as { bars: { volume: number }[] };
    const volume = (page: { bars: { volume: number }[] }) =>
      page.bars.reduce((s, b) => s + b.volume, 0);
    expect(volume(after)).toBeGreaterThan(volume(before));
  });
});

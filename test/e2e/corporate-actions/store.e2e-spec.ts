import { Client } from 'pg';

import { SeriesChange, SeriesChanges } from '../../../src/common/series-changes';
import { CorporateActionsService } from '../../../src/corporate-actions/corporate-actions.service';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * Stored corporate actions change what adjusted reads of a symbol return, so a change to them is
 * a change of the symbol's series: published in this process, announced to the others. A store
 * makes the stored actions exactly the source's answer (new, corrected and withdrawn ones).
 */
describe('corporate actions store', () => {
  let t: TestApp;
  let listener: Client;
  const notified: string[] = [];
  const heard: SeriesChange[] = [];
  const split = {
    executionDate: '2024-06-10',
    splitFrom: 1,
    splitTo: 10,
    adjustmentType: 'forward_split',
  };
  const dividend = {
    exDividendDate: '2024-05-10',
    payDate: '2024-05-16',
    recordDate: '2024-05-13',
    declarationDate: '2024-05-02',
    cashAmount: 0.25,
    currency: 'USD',
    distributionType: 'recurring',
    frequency: 4,
  };

  beforeAll(async () => {
    // Cache off: no relay of notifications, so `heard` holds only this process's own publishes.
    t = await startTestApp({ env: { CACHE_TTL_SECONDS: '0' } });
    await insertSymbols(t.dataSource, [{ symbol: 'NVDA' }]);
    t.app.get(SeriesChanges).subscribe((change) => heard.push(change));
    listener = new Client({ connectionString: t.databaseUrl });
    await listener.connect();
    listener.on('notification', (message) => notified.push(message.payload ?? ''));
    await listener.query('LISTEN bars_changed');
  });
  afterAll(async () => {
    await listener.end();
    await t.close();
  });

  /** Notifications arrive asynchronously: wait until the LISTEN connection has caught up. */
  async function flushNotifications(): Promise<void> {
    await listener.query('SELECT 1');
  }

  beforeEach(() => {
    notified.length = 0;
    heard.length = 0;
  });

  const stored = () => t.app.get(CorporateActionsService).get('nvda');

  it('publishes and notifies every series of the symbol when a split is new or changed', async () => {
    const store = t.app.get(CorporateActionsService);
    await store.storeSplits('NVDA', [split], 'polygon');
    await flushNotifications();
    expect(notified.sort()).toEqual(['NVDA:1d', 'NVDA:1m']);
    expect(heard).toEqual([
      { scope: 'series', symbol: 'NVDA', timeframe: '1m' },
      { scope: 'series', symbol: 'NVDA', timeframe: '1d' },
    ]);

    notified.length = 0;
    heard.length = 0;
    await store.storeSplits('NVDA', [split], 'polygon');
    await store.storeSplits('NVDA', [{ ...split, splitTo: 4 }], 'polygon');
    await flushNotifications();
    expect(notified.sort()).toEqual(['NVDA:1d', 'NVDA:1m']); // the repeat announced nothing
    expect(heard).toHaveLength(2);
    expect((await stored()).splits).toEqual([{ ...split, splitTo: 4 }]);
  });

  it('does the same for dividends, and stays quiet when a refresh brings nothing new', async () => {
    const store = t.app.get(CorporateActionsService);
    await store.storeDividends('NVDA', [dividend], 'polygon');
    await store.storeDividends('NVDA', [dividend], 'polygon');
    await flushNotifications();
    expect(notified.sort()).toEqual(['NVDA:1d', 'NVDA:1m']);
    expect(heard).toHaveLength(2);

    notified.length = 0;
    await store.storeDividends('NVDA', [{ ...dividend, cashAmount: 0.3 }], 'polygon');
    await flushNotifications();
    expect(notified.sort()).toEqual(['NVDA:1d', 'NVDA:1m']);
  });

  it('removes what the source no longer reports (a withdrawn or re-dated action), and says so', async () => {
    const store = t.app.get(CorporateActionsService);
    await store.storeSplits('NVDA', [split], 'polygon');
    await store.storeDividends('NVDA', [dividend], 'polygon');
    await flushNotifications();
    notified.length = 0;

    const redated = { ...split, executionDate: '2024-06-11' };
    await store.storeSplits('NVDA', [redated], 'polygon');
    await store.storeDividends('NVDA', [], 'polygon');
    await flushNotifications();
    expect(notified.sort()).toEqual(['NVDA:1d', 'NVDA:1d', 'NVDA:1m', 'NVDA:1m']);
    expect(await stored()).toEqual({ symbol: 'NVDA', splits: [redated], dividends: [] });
  });
});

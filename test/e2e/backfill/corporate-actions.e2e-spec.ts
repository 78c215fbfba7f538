import { Client } from 'pg';

import { CorporateActionsRepository } from '../../../src/backfill/corporate-actions.repository';
import { SeriesChange, SeriesChanges } from '../../../src/common/series-changes';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * Stored corporate actions change what adjusted reads of a symbol return, so a change to them is
 * a change of the symbol's series: published in this process, announced to the others.
 */
describe('corporate actions store announces changed series', () => {
  let t: TestApp;
  let listener: Client;
  const notified: string[] = [];
  const heard: SeriesChange[] = [];
  const split = { executionDate: '2024-06-10', splitFrom: 1, splitTo: 10 };
  const dividend = {
    exDividendDate: '2024-05-10',
    payDate: '2024-05-16',
    recordDate: '2024-05-13',
    declarationDate: '2024-05-02',
    cashAmount: 0.25,
    currency: 'USD',
    dividendType: 'CD',
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

  it('publishes and notifies every series of the symbol when a split is new or changed', async () => {
    const store = t.app.get(CorporateActionsRepository);
    await store.upsertSplits('NVDA', [split], 'polygon');
    await flushNotifications();
    expect(notified.sort()).toEqual(['NVDA:1d', 'NVDA:1m']);
    expect(heard).toEqual([
      { scope: 'series', symbol: 'NVDA', timeframe: '1m' },
      { scope: 'series', symbol: 'NVDA', timeframe: '1d' },
    ]);

    notified.length = 0;
    heard.length = 0;
    await store.upsertSplits('NVDA', [split], 'polygon');
    await store.upsertSplits('NVDA', [{ ...split, splitTo: 4 }], 'polygon');
    await flushNotifications();
    expect(notified.sort()).toEqual(['NVDA:1d', 'NVDA:1m']); // the repeat announced nothing
    expect(heard).toHaveLength(2);
  });

  it('does the same for dividends, and stays quiet when a refresh brings nothing new', async () => {
    const store = t.app.get(CorporateActionsRepository);
    await store.upsertDividends('NVDA', [dividend], 'polygon');
    await store.upsertDividends('NVDA', [dividend], 'polygon');
    await flushNotifications();
    expect(notified.sort()).toEqual(['NVDA:1d', 'NVDA:1m']);
    expect(heard).toHaveLength(2);

    notified.length = 0;
    await store.upsertDividends('NVDA', [{ ...dividend, cashAmount: 0.3 }], 'polygon');
    await flushNotifications();
    expect(notified.sort()).toEqual(['NVDA:1d', 'NVDA:1m']);
  });
});

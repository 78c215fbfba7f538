import request from 'supertest';

import { CorporateActionsService } from '../../../src/corporate-actions/corporate-actions.service';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

describe('GET /api/v1/corporate-actions/{symbol}', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [{ symbol: 'NVDA' }, { symbol: 'MSFT' }]);
    const store = t.app.get(CorporateActionsService);
    await store.storeSplits(
      'NVDA',
      [
        {
          executionDate: '2024-06-10',
          splitFrom: 1,
          splitTo: 10,
          adjustmentType: 'forward_split',
        },
        { executionDate: '2021-07-20', splitFrom: 1, splitTo: 4, adjustmentType: 'forward_split' },
      ],
      'polygon',
    );
    await store.storeDividends(
      'NVDA',
      [
        {
          exDividendDate: '2024-06-11',
          payDate: '2024-06-28',
          recordDate: '2024-06-11',
          declarationDate: '2024-05-22',
          cashAmount: 0.01,
          currency: 'USD',
          distributionType: 'recurring',
          frequency: 4,
        },
        {
          exDividendDate: '2024-03-05',
          payDate: null,
          recordDate: null,
          declarationDate: null,
          cashAmount: 0.04,
          currency: 'USD',
          distributionType: 'recurring',
          frequency: null,
        },
      ],
      'polygon',
    );
  });
  afterAll(() => t.close());

  it('lists the stored splits and dividends, oldest first, in the contract shape', async () => {
    const res = await request(t.url).get('/api/v1/corporate-actions/nvda').expect(200);
    expect(res.headers.etag).toBeDefined();
    expect(res.body).toEqual({
      symbol: 'NVDA',
      splits: [
        { executionDate: '2021-07-20', splitFrom: 1, splitTo: 4, adjustmentType: 'forward_split' },
        {
          executionDate: '2024-06-10',
          splitFrom: 1,
          splitTo: 10,
          adjustmentType: 'forward_split',
        },
      ],
      dividends: [
        {
          exDividendDate: '2024-03-05',
          payDate: null,
          cashAmount: 0.04,
          currency: 'USD',
          type: 'recurring',
          recordDate: null,
          declarationDate: null,
          frequency: null,
        },
        {
          exDividendDate: '2024-06-11',
          payDate: '2024-06-28',
          cashAmount: 0.01,
          currency: 'USD',
          type: 'recurring',
          recordDate: '2024-06-11',
          declarationDate: '2024-05-22',
          frequency: 4,
        },
      ],
    });
    await request(t.url)
      .get('/api/v1/corporate-actions/NVDA')
      .set('If-None-Match', res.headers.etag)
      .expect(304);
  });

  it('answers empty lists for a known symbol without actions', async () => {
    const res = await request(t.url).get('/api/v1/corporate-actions/MSFT').expect(200);
    expect(res.body).toEqual({ symbol: 'MSFT', splits: [], dividends: [] });
  });

  it('is a 404 problem for an unknown symbol', async () => {
    const res = await request(t.url).get('/api/v1/corporate-actions/NOPE').expect(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, detail: 'Unknown symbol NOPE.' });
  });

  it('is a 400 problem naming the rule for a malformed symbol or an unknown parameter', async () => {
    const bad = await request(t.url).get('/api/v1/corporate-actions/A%20B').expect(400);
    expect(bad.body.errors).toEqual([
      { field: 'symbol', message: 'must be 1-24 letters, digits, ".", ":" or "-"' },
    ]);
    await request(t.url).get('/api/v1/corporate-actions/NVDA?since=2024').expect(400);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await request(t.url).get('/docs-json').expect(200)).body;
    const operation = doc.paths['/api/v1/corporate-actions/{symbol}'].get;
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '404']));
    const schema = doc.components.schemas.CorporateActionsDto;
    expect(Object.keys(schema.properties)).toEqual(['symbol', 'splits', 'dividends']);
  });
});

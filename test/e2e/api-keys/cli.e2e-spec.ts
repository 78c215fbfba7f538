import request from 'supertest';

import { CommandResult, runNode } from '../../support/spawn-process';
import { startTestApp, TestApp } from '../../support/test-app';

/** The CLI as users run it: `node dist/cli.js` (built by the jest global setup). */
describe('api-keys and symbols CLI', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const cli = (...args: string[]): Promise<CommandResult> =>
    runNode('dist/cli.js', args, { DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'warn' });

  it('api-keys:create --json prints { id, key, preview, scopes } and the key works on the server', async () => {
    const res = await cli(
      'api-keys:create',
      '--name',
      'first admin',
      '--scopes',
      'admin,read',
      '--json',
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const created = JSON.parse(res.stdout);
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      key: expect.stringMatching(/^mdw_[0-9A-Za-z]{43}$/),
      preview: expect.stringMatching(/^mdw_[0-9A-Za-z]{8}$/),
      scopes: ['read', 'admin'],
    });
    const list = await request(t.url)
      .get('/api/v1/admin/api-keys')
      .set('X-API-Key', created.key)
      .expect(200);
    expect(list.body.map((k: { id: string }) => k.id)).toContain(created.id);
    const audit = await request(t.url)
      .get(`/api/v1/admin/api-keys/${created.id}/audit`)
      .set('X-API-Key', created.key)
      .expect(200);
    expect(audit.body.entries[0]).toMatchObject({
      action: 'key.created',
      actorKeyId: null,
      details: { via: 'cli' },
    });
    expect(JSON.stringify(audit.body)).not.toContain(created.key);
  });

  it('api-keys:create prints the key once in human form', async () => {
    const res = await cli(
      'api-keys:create',
      '--name',
      'reader',
      '--scopes',
      'read',
      '--expires-at',
      '2999-01-01T00:00:00Z',
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^mdw_[0-9A-Za-z]{43}$/m);
    expect(res.stdout).toContain('never shown again');
  });

  it('api-keys:list shows keys without secrets, api-keys:revoke kills one at once', async () => {
    const created = JSON.parse(
      (await cli('api-keys:create', '--name', 'doomed', '--scopes', 'admin', '--json')).stdout,
    );
    await request(t.url).get('/api/v1/admin/api-keys').set('X-API-Key', created.key).expect(200);

    const list = await cli('api-keys:list', '--json');
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout).keys.find((k: { id: string }) => k.id === created.id);
    expect(listed).toMatchObject({ name: 'doomed', preview: created.preview, active: true });
    expect(list.stdout).not.toContain(created.key);
    const human = await cli('api-keys:list');
    expect(human.stdout).toContain(created.preview);
    expect(human.stdout).not.toContain(created.key);

    const revoke = await cli('api-keys:revoke', '--id', created.id);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain(created.id);
    await request(t.url).get('/api/v1/admin/api-keys').set('X-API-Key', created.key).expect(401);
  });

  it('rejects bad values with a clear message and exit status 2', async () => {
    const scopes = await cli('api-keys:create', '--name', 'x', '--scopes', 'root');
    expect(scopes.code).toBe(2);
    expect(scopes.stderr).toContain('--scopes');
    const expiry = await cli(
      'api-keys:create',
      '--name',
      'x',
      '--scopes',
      'read',
      '--expires-at',
      'soon',
    );
    expect(expiry.code).toBe(2);
    expect(expiry.stderr).toContain('--expires-at');
    const past = await cli(
      'api-keys:create',
      '--name',
      'x',
      '--scopes',
      'read',
      '--expires-at',
      '2001-01-01T00:00:00Z',
    );
    expect(past.code).toBe(2);
    const missing = await cli('api-keys:create', '--scopes', 'read');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--name');
    const badId = await cli('api-keys:revoke', '--id', 'nope');
    expect(badId.code).toBe(2);
    const symbol = await cli(
      'symbols:add',
      '--symbol',
      'BAD SYMBOL',
      '--asset-class',
      'bonds',
      '--timeframes',
      '5m',
    );
    expect(symbol.code).toBe(2);
    for (const option of ['--symbol', '--asset-class', '--timeframes'])
      expect(symbol.stderr).toContain(option);
    const future = await cli(
      'symbols:add',
      '--symbol',
      'F',
      '--asset-class',
      'stocks',
      '--timeframes',
      '1d',
      '--backfill-from',
      '2999-01-01',
    );
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('--backfill-from');
  });

  it('api-keys:revoke of an unknown id fails with exit status 1', async () => {
    const res = await cli('api-keys:revoke', '--id', '00000000-0000-4000-8000-000000000000');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('no API key');
  });

  it('symbols:add tracks a symbol the server then shows, and refuses a duplicate', async () => {
    const res = await cli(
      'symbols:add',
      '--symbol',
      'x:btcusd',
      '--asset-class',
      'crypto',
      '--timeframes',
      '1m,1d',
      '--name',
      'Bitcoin',
      '--backfill-from',
      '2024-01-01',
      '--json',
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      symbol: 'X:BTCUSD',
      currency: 'USD',
      timeZone: 'UTC',
      timeframes: ['1m', '1d'],
      backfillFrom: '2024-01-01',
    });
    const human = await cli(
      'symbols:add',
      '--symbol',
      'AAPL',
      '--asset-class',
      'stocks',
      '--timeframes',
      '1d',
      '--exchange',
      'XNAS',
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('tracking AAPL (stocks, XNAS, timeframes 1d)');
    const again = await cli(
      'symbols:add',
      '--symbol',
      'aapl',
      '--asset-class',
      'stocks',
      '--timeframes',
      '1d',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already tracked');
    const rows = await t.dataSource.query(`SELECT symbol FROM symbols ORDER BY symbol`);
    expect(rows.map((r: { symbol: string }) => r.symbol)).toEqual(['AAPL', 'X:BTCUSD']);
  });
});

import * as net from 'node:net';

import { Client } from 'pg';

import { insertKey, withClient } from '../support/pg-client';
import { SpawnedServer, spawnServer } from '../support/spawn-process';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';

const ADMIN_PATH = '/api/v1/admin/api-keys';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP/1.1 GET over a raw socket, so any header bytes (non-ASCII, 10 KB) go out as given. */
function rawGet(port: number, path: string, keyHeader?: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => {
          const i = line.indexOf(':');
          return [line.slice(0, i).toLowerCase(), line.slice(i + 1).trim()];
        }),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    const parts: Buffer[] = [
      Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`),
    ];
    if (keyHeader) parts.push(Buffer.from('X-API-Key: '), keyHeader, Buffer.from('\r\n'));
    parts.push(Buffer.from('\r\n'));
    // write, not end: a client that half-closes first may see its socket closed unanswered.
    socket.write(Buffer.concat(parts));
  });
}

/**
 * Item 3: a missing, empty, 10 KB, non-ASCII, wrong, revoked or expired key, or one passed as a
 * query parameter, all get the identical 401 body (request id aside); and no response, log line,
 * stored row (audit included) or metric ever holds a plaintext key.
 */
describe('API key handling under hostile keys', () => {
  let databaseUrl: string;
  let server: SpawnedServer;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('keys');
    server = await spawnServer({
      DATABASE_URL: databaseUrl,
      // Everything the app can log, so the search below covers every line it writes.
      LOG_LEVEL: 'trace',
      DEMO_SEED: 'false',
      BACKFILL_ENABLED: 'false',
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1000000',
    });
    await withClient(databaseUrl, async (client) => {
      keys.admin = await insertKey(client, ['admin'], 'admin');
      keys.revoked = await insertKey(client, ['admin'], 'revoked');
      keys.expired = await insertKey(client, ['admin'], 'expired');
      await client.query(
        `UPDATE api_keys SET active = false, revoked_at = now() WHERE name = 'revoked'`,
      );
      await client.query(
        `UPDATE api_keys SET expires_at = now() - interval '1 hour' WHERE name = 'expired'`,
      );
    });
  });

  afterAll(async () => {
    await server?.terminate('SIGINT');
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('answers every bad key with the identical 401', async () => {
    const cases: [string, string, Buffer | undefined][] = [
      ['missing', ADMIN_PATH, undefined],
      ['empty', ADMIN_PATH, Buffer.from('')],
      ['10 KB', ADMIN_PATH, Buffer.from('k'.repeat(10_240))],
      ['non-ASCII', ADMIN_PATH, Buffer.from('mdw_ключ_🔑_€', 'utf8')],
      ['wrong', ADMIN_PATH, Buffer.from(`mdw_${'0'.repeat(43)}`)],
      ['revoked', ADMIN_PATH, Buffer.from(keys.revoked)],
      ['expired', ADMIN_PATH, Buffer.from(keys.expired)],
      ['in the query', `${ADMIN_PATH}?apiKey=${keys.admin}`, undefined],
      ['in the query as x-api-key', `${ADMIN_PATH}?x-api-key=${keys.admin}`, undefined],
    ];
    const bodies = new Set<string>();
    for (const [name, path, key] of cases) {
      const res = await rawGet(server.port, path, key);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = JSON.parse(res.body) as Record<string, unknown>;
      expect(body.requestId).toBe(res.headers['x-request-id']);
      delete body.requestId;
      body.instance = String(body.instance).split('?')[0];
      bodies.add(JSON.stringify(body));
      for (const secret of Object.values(keys)) expect(res.body).not.toContain(secret);
    }
    expect([...bodies]).toHaveLength(1);
    expect((await rawGet(server.port, ADMIN_PATH, Buffer.from(keys.admin))).status).toBe(200);
  });

  it('never holds a plaintext key in a log line, a stored row or a metric', async () => {
    // The metrics, fetched with the admin key (so that request is logged and counted too).
    const metrics = await rawGet(server.port, '/metrics', Buffer.from(keys.admin));
    const jsonMetrics = await rawGet(server.port, '/api/v1/metrics', Buffer.from(keys.admin));
    expect(metrics.status).toBe(200);
    const stored = await withClient(databaseUrl, (client) => everyRowAsText(client));
    expect(stored).toMatch(/auth\.failed/);
    const haystacks = {
      logs: server.output(),
      stored,
      metrics: metrics.body,
      jsonMetrics: jsonMetrics.body,
    };
    expect(server.output()).toMatch(/"level"/);
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [name, secret] of Object.entries(keys)) {
        expect({ where, name, leaked: text.includes(secret) }).toEqual({
          where,
          name,
          leaked: false,
        });
        // Nor the secret part alone (after the mdw_ prefix).
        expect(text.includes(secret.slice(4))).toBe(false);
      }
    }
  });
});

async function everyRowAsText(client: Client): Promise<string> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT quote_ident(table_name) AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  let text = '';
  for (const { name } of tables) {
    const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
    text += rows.map((r) => r.row).join('\n');
  }
  return text;
}

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import { Client } from 'pg';

import { SpawnedServer, spawnServer } from '../../support/spawn-process';
import { createTestDatabase, dropTestDatabase } from '../../support/test-database';
import { RunningNginx, startNginx } from './nginx';

/** What compose gives each API replica behind nginx, minus what the tests choose themselves. */
export const API_BEHIND_NGINX: Record<string, string> = {
  LOG_LEVEL: 'info',
  BACKFILL_ENABLED: 'false',
  DEMO_SEED: 'false',
  TRUST_PROXY: '1',
  METRICS_ALLOW: '127.0.0.1',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
  RATE_LIMIT_KEY_PER_MINUTE: '1000000',
};

/** A dashboard build stand-in: the page and one hashed asset, as Vite names them. */
export const HASHED_ASSET = '/assets/index-Bq3xZ9aQ.js';

function writeStaticRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-static-'));
  fs.chmodSync(root, 0o755);
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(
    path.join(root, 'index.html'),
    `<!doctype html><title>Market Data Warehouse</title><script src="${HASHED_ASSET}"></script>`,
  );
  fs.writeFileSync(
    path.join(root, HASHED_ASSET),
    `console.log(${JSON.stringify('x'.repeat(4096))});`,
  );
  return root;
}

/** nginx with the repository's template in front of several real API processes on one database. */
export interface Deployment {
  nginx: RunningNginx;
  apis: SpawnedServer[];
  databaseUrl: string;
  staticRoot: string;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startDeployment(
  options: { processes?: number; env?: Record<string, string> } = {},
): Promise<Deployment> {
  const databaseUrl = await createTestDatabase('system');
  const env = { ...API_BEHIND_NGINX, ...options.env, DATABASE_URL: databaseUrl };
  // The first applies the migrations; the others start together, as replicas do.
  const first = await spawnServer(env);
  const rest = await Promise.all(
    Array.from({ length: (options.processes ?? 2) - 1 }, () => spawnServer(env)),
  );
  const apis = [first, ...rest];
  const staticRoot = writeStaticRoot();
  const nginx = await startNginx({ upstreamPorts: apis.map((a) => a.port), staticRoot });
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    nginx,
    apis,
    databaseUrl,
    staticRoot,
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async close() {
      await nginx.stop();
      await Promise.all(
        apis.filter((api) => api.proc.exitCode === null).map((api) => api.terminate()),
      );
      await client.end();
      await dropTestDatabase(databaseUrl);
      fs.rmSync(staticRoot, { recursive: true, force: true });
    },
  };
}

export interface EdgeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * One HTTP request with full control of what a client sends: the source address on the loopback
 * (127.0.0.2 is "outside" for METRICS_ALLOW=127.0.0.1), raw headers, and no decompression.
 */
export function send(
  base: string,
  requestPath: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    localAddress?: string;
  } = {},
): Promise<EdgeResponse> {
  const url = new URL(requestPath, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.localAddress,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString('utf8'),
            json: <T>() => JSON.parse(body.toString('utf8')) as T,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

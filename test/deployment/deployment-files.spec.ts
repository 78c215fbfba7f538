import * as fs from 'node:fs';
import * as path from 'node:path';

import { parse } from 'yaml';

import { AppConfig } from '../../src/config/app-config';

/**
 * No Docker engine runs here, so the deployment files are checked statically; their parts
 * (migrations, configuration, nginx.conf) are exercised for real elsewhere.
 */
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Every variable AppConfig reads, found by handing it an environment that records reads. */
function variablesReadByConfig(): string[] {
  const seen = new Set<string>();
  const env = new Proxy(
    {},
    {
      get(_target, key) {
        if (typeof key === 'string') seen.add(key);
        return undefined;
      },
    },
  );
  AppConfig.fromEnv(env);
  return [...seen].filter((name) => !name.startsWith('npm_') && name !== 'NODE_ENV');
}

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('is multi-stage and runs node dist/main.js as a non-root user with a HEALTHCHECK', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = stages[stages.length - 1];
    expect(runtime).toMatch(/^USER (?!root)\w+/m);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]/m);
  });

  it('copies only files that exist', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      m[1].split(/\s+/).filter((part) => !part.startsWith('--')),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(fs.existsSync(path.join(ROOT, source))).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };

  it('runs TimescaleDB with a volume and a healthcheck', () => {
    const db = compose.services.db;
    expect(String(db.image)).toMatch(/^timescale\/timescaledb:/);
    expect(db.healthcheck).toBeDefined();
    expect((db.volumes as string[]).some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(
      true,
    );
    expect(Object.keys(compose.volumes)).toContain('pgdata');
  });

  it('starts the API only once the database is healthy, and nginx in front of it', () => {
    const api = compose.services.api;
    expect(api.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    const env = api.environment as Record<string, string>;
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.+@db:5432\//);
    expect(env.TRUST_PROXY).toBe('1');
    const nginx = compose.services.nginx;
    expect((nginx.volumes as string[]).some((v) => v.startsWith('./nginx.conf:'))).toBe(true);
  });

  it('sets only variables the API knows', () => {
    const known = new Set(variablesReadByConfig());
    for (const name of Object.keys(compose.services.api.environment as object)) {
      expect(known.has(name) ? name : `unknown ${name}`).toBe(name);
    }
  });
});

describe('configuration documentation', () => {
  const variables = variablesReadByConfig();

  it('finds the variables of API.md', () => {
    expect(variables).toEqual(
      expect.arrayContaining([
        'DATABASE_URL',
        'DATA_DIR',
        'POLYGON_API_KEY',
        'POLYGON_BASE_URL',
        'POLYGON_REQUESTS_PER_MINUTE',
        'API_HOST',
        'API_PORT',
        'API_WORKERS',
        'LOG_LEVEL',
        'BACKFILL_ENABLED',
        'BACKFILL_SCHEDULE_HOUR',
        'BACKFILL_SCHEDULE_MINUTE',
        'CORS_ORIGINS',
        'RATE_LIMIT_ANONYMOUS_PER_MINUTE',
        'RATE_LIMIT_KEY_PER_MINUTE',
        'CACHE_TTL_SECONDS',
      ]),
    );
  });

  it.each(['.env.example', 'README.md'])('%s documents every variable', (file) => {
    const text = read(file);
    const missing = variables.filter((name) => !text.includes(name));
    expect(missing).toEqual([]);
  });
});

describe('nginx.conf', () => {
  const conf = read('nginx.conf');

  it('proxies the API over keep-alive upstream connections', () => {
    expect(conf).toMatch(/upstream api \{[^}]*keepalive \d+;/);
    expect(conf).toMatch(/proxy_set_header Connection "";/);
  });

  it('replaces X-Forwarded-For so clients cannot forge their address', () => {
    expect(conf).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(conf).not.toContain('$proxy_add_x_forwarded_for');
  });

  it('serves /metrics only to internal networks', () => {
    const metrics = /location = \/metrics \{([^}]*)\}/.exec(conf)?.[1] ?? '';
    expect(metrics).toContain('deny all;');
    expect(metrics).toContain('allow 10.0.0.0/8;');
  });
});

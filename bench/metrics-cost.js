#!/usr/bin/env node
/**
 * What the request-metrics hook costs: the same bar query (1,000 daily bars) served by servers
 * with METRICS_ENABLED=true and =false, at 1 and 32 connections. A third server keeps metrics on
 * and sets LOG_LEVEL=warn, which isolates the cost of the one info log line per request.
 *
 *   npm run build && node bench/metrics-cost.js [--duration 5] [--rounds 5] [--dist dist] [--micro only]
 *
 * It first times the hot-path pieces in isolation (ns per call, no HTTP): our route histogram
 * against prom-client's labelled Histogram, and one request log line with the production pino
 * settings. `--micro only` stops there.
 *
 * DATABASE_URL: a PostgreSQL to create the scratch database `bench_metrics_cost` on; unset, an
 * embedded PostgreSQL is started in a temporary directory. Only 127.0.0.1 is ever loaded.
 */
'use strict';

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { URL } = require('node:url');

const autocannon = require('autocannon');
const { Client } = require('pg');

const { freePort } = require('./free-port');

const ROOT = path.resolve(__dirname, '..');
const args = parseArgs(process.argv.slice(2));
const DIST = path.resolve(ROOT, args.dist ?? 'dist');
const DURATION = Number(args.duration ?? 5);
const SYMBOL = 'BENCH';
const BARS = 1000;
const ROUTE = `/api/v1/historical/${SYMBOL}?timeframe=1d&start=2020-01-01&end=2023-12-31&limit=${BARS}`;
const ROUNDS = Number(args.rounds ?? 5);
const VARIANTS = [
  { name: 'metrics on', env: { METRICS_ENABLED: 'true', LOG_LEVEL: 'info' } },
  { name: 'metrics off', env: { METRICS_ENABLED: 'false', LOG_LEVEL: 'info' } },
  { name: 'metrics on, no request log', env: { METRICS_ENABLED: 'true', LOG_LEVEL: 'warn' } },
];

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}

/** Nanoseconds per call of fn, after a warm-up. */
function nsPerCall(fn, n) {
  for (let i = 0; i < 100_000; i++) fn(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - started) / n;
}

/**
 * The foundation's pino-http setup (redacting logger, custom serialisers) for one request, driven
 * with real IncomingMessage/ServerResponse objects; the Nest middleware and AsyncLocalStorage
 * that nestjs-pino adds around it are not included.
 */
function pinoHttpPerRequest(pino) {
  const http = require('node:http');
  const { pinoHttp } = require('pino-http');
  const { REDACTED_PATHS } = require(path.join(DIST, 'src/common/logging.module.js'));
  const logger = pino(
    { level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    pino.destination({ dest: '/dev/null', sync: true }),
  );
  const middleware = pinoHttp({
    logger,
    genReqId: (req) => req.id ?? '',
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    serializers: {
      req: (req) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
  });
  const socket = new net.Socket();
  return nsPerCall(() => {
    const req = new http.IncomingMessage(socket);
    req.method = 'GET';
    req.url = '/api/v1/historical/AAPL?timeframe=1d';
    req.headers = {};
    req.id = 'c7b9a3f2-7d3a-4b8e-9a51-0d3f1e2b4c5d';
    const res = new http.ServerResponse(req);
    res.statusCode = 200;
    middleware(req, res, () => undefined);
    res.emit('finish');
  }, 5e4);
}

function micro() {
  const { HttpRequestHistogram, HTTP_BUCKETS_SECONDS } = require(
    path.join(DIST, 'src/metrics/http-request-histogram.js'),
  );
  const { REDACTED_PATHS } = require(path.join(DIST, 'src/common/logging.module.js'));
  const { Histogram, Registry } = require('prom-client');
  const pino = require('pino');
  const routes = ['/api/v1/historical/:symbol', '/api/v1/symbols', '/health', '/api/v1/metrics'];
  const ours = new HttpRequestHistogram();
  const theirs = new Histogram({
    name: 'micro_http_seconds',
    help: 'micro',
    labelNames: ['method', 'route', 'status_class'],
    buckets: [...HTTP_BUCKETS_SECONDS],
    registers: [new Registry()],
  });
  const logger = (level, redact) =>
    pino(
      {
        level,
        ...(redact ? { redact: { paths: REDACTED_PATHS, censor: '[redacted]' } } : {}),
        timestamp: pino.stdTimeFunctions.isoTime,
        base: { pid: process.pid },
      },
      pino.destination({ dest: '/dev/null', sync: true }),
    );
  const line = (log, i) => {
    if (!log.isLevelEnabled('info')) return;
    log.info(
      {
        requestId: 'c7b9a3f2-7d3a-4b8e-9a51-0d3f1e2b4c5d',
        method: 'GET',
        route: routes[i & 3],
        path: '/api/v1/historical/AAPL',
        status: 200,
        durationMs: 1.23,
        keyId: undefined,
        ip: '127.0.0.1',
      },
      'request completed',
    );
  };
  // Production writes request lines through a logger without redaction (see logging.module.ts).
  const devNull = pino.destination({ dest: '/dev/null', sync: true });
  // What RequestLogHook does: one JSON.stringify of fixed fields, one synchronous write.
  const handRolled = (i) =>
    devNull.write(
      JSON.stringify({
        level: 30,
        time: new Date().toISOString(),
        pid: process.pid,
        requestId: 'c7b9a3f2-7d3a-4b8e-9a51-0d3f1e2b4c5d',
        method: 'GET',
        route: routes[i & 3],
        path: '/api/v1/historical/AAPL',
        status: 200,
        durationMs: 1.23,
        keyId: undefined,
        ip: '127.0.0.1',
        msg: 'request completed',
      }) + '\n',
    );
  const info = logger('info', false);
  const redacted = logger('info', true);
  const warn = logger('warn', false);
  const rows = [
    [
      'route histogram observe (ours)',
      nsPerCall((i) => ours.observe('GET', routes[i & 3], 200, 0.001 + (i % 100) / 1e4), 2e6),
    ],
    [
      'prom-client Histogram.observe({ method, route, status_class })',
      nsPerCall(
        (i) =>
          theirs.observe(
            { method: 'GET', route: routes[i & 3], status_class: '2xx' },
            0.001 + (i % 100) / 1e4,
          ),
        5e5,
      ),
    ],
    ['request log line as written (JSON.stringify + sync write)', nsPerCall(handRolled, 2e5)],
    ['the same line through pino.info', nsPerCall((i) => line(info, i), 2e5)],
    [
      'the same line through pino.info with our redact paths',
      nsPerCall((i) => line(redacted, i), 2e5),
    ],
    ['pino.info below LOG_LEVEL (skipped)', nsPerCall((i) => line(warn, i), 2e6)],
    ['pino-http as configured before (child logger + line on finish)', pinoHttpPerRequest(pino)],
  ];
  process.stdout.write(
    `\n| hot-path piece | ns per call |\n|---|---:|\n${rows
      .map(([name, ns]) => `| ${name} | ${ns.toFixed(0)} |`)
      .join('\n')}\n`,
  );
}

async function main() {
  micro();
  if (args.micro === 'only') return;
  const db = await scratchDatabase();
  try {
    const migrate = execFileSync(
      process.execPath,
      [path.join(DIST, 'cli.js'), 'migrate', '--json'],
      { env: serverEnv(db.url, {}), encoding: 'utf8' },
    );
    if (!migrate.includes('applied')) throw new Error(`migrate failed: ${migrate}`);
    await seed(db.url);

    // All variants run side by side (idle when not loaded) and are loaded in short bursts, in a
    // rotating order, ROUNDS times: drift on a shared machine then hits every variant alike.
    const servers = [];
    try {
      for (const variant of VARIANTS) servers.push(await startServer(db.url, variant.env));
      for (const server of servers) {
        await check(server.url);
        await load(server.url, 8, 3); // warm-up: JIT, caches, pool
      }
      const results = [];
      for (let round = 0; round < ROUNDS; round++) {
        for (const connections of [1, 32]) {
          for (let k = 0; k < VARIANTS.length; k++) {
            const i = (round + k) % VARIANTS.length;
            const r = await load(servers[i].url, connections, DURATION);
            results.push({ variant: VARIANTS[i].name, connections, ...r });
            process.stderr.write(
              `round ${round + 1} ${VARIANTS[i].name.padEnd(28)} c=${String(connections).padStart(2)}  ${r.rps.toFixed(0)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms\n`,
            );
          }
        }
      }
      report(results);
    } finally {
      for (const server of servers) await server.stop();
    }
  } finally {
    await db.drop();
  }
}

function serverEnv(databaseUrl, extra) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_PATH: path.join(ROOT, 'node_modules'),
    DATABASE_URL: databaseUrl,
    API_HOST: '127.0.0.1',
    BACKFILL_ENABLED: 'false',
    DEMO_SEED: 'false',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000000',
    RATE_LIMIT_KEY_PER_MINUTE: '10000000',
    ...extra,
  };
}

async function scratchDatabase() {
  let adminUrl = process.env.DATABASE_URL;
  let embedded;
  if (!adminUrl) {
    const { EmbeddedPostgresServer } = require(
      path.join(DIST, 'src/database/embedded-postgres.server.js'),
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-bench-pg-'));
    embedded = { server: new EmbeddedPostgresServer(dir), dir };
    adminUrl = (await embedded.server.start('postgres')).url;
  }
  const name = 'bench_metrics_cost';
  await withClient(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      if (embedded) {
        await embedded.server.stop();
        fs.rmSync(embedded.dir, { recursive: true, force: true });
      }
    },
  };
}

async function withClient(url, fn) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** One crypto symbol (UTC days, no session calendar) with BARS consecutive daily bars. */
async function seed(url) {
  await withClient(url, async (c) => {
    await c.query(
      `INSERT INTO symbols (symbol, name, asset_class, exchange, currency, time_zone, timeframes)
       VALUES ($1, 'Benchmark', 'crypto', 'CRYPTO', 'USD', 'UTC', '{1d}')`,
      [SYMBOL],
    );
    await c.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
       SELECT $1, '1d', timestamptz '2020-01-01' + make_interval(days => i),
              100 + i * 0.01, 101 + i * 0.01, 99 + i * 0.01, 100.5 + i * 0.01,
              1000000 + i, 100.25 + i * 0.01, 5000 + i, 'bench'
       FROM generate_series(0, $2 - 1) AS i`,
      [SYMBOL, BARS],
    );
    await c.query('ANALYZE bars');
  });
}

async function startServer(databaseUrl, env) {
  const port = await freePort();
  const proc = spawn(process.execPath, [path.join(DIST, 'main.js')], {
    env: serverEnv(databaseUrl, { ...env, API_PORT: String(port) }),
    // The request log goes to /dev/null: its cost is the serialising and writing, not a reader.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      if ((await globalThis.fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', resolve);
        proc.kill('SIGTERM');
      }),
  };
}

/** The route must really return BARS bars, or the figures measure an error page. */
async function check(url) {
  const res = await globalThis.fetch(url + ROUTE);
  const body = await res.json();
  if (res.status !== 200 || body.count !== BARS) {
    throw new Error(`bench route answered ${res.status} with count ${body.count}`);
  }
}

function load(url, connections, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url: url + ROUTE, connections, duration, pipelining: 1 }, (error, result) => {
      if (error) return reject(error);
      if (result.non2xx > 0 || result.errors > 0) {
        return reject(new Error(`${result.non2xx} non-2xx and ${result.errors} errors`));
      }
      resolve({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        requests: result.requests.total,
      });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function report(results) {
  const groups = new Map();
  for (const r of results) {
    const key = `${r.variant}|${r.connections}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  const lines = [
    `| variant | connections | median req/s | min–max req/s | median p50 ms | median p99 ms |`,
    `|---|---:|---:|---:|---:|---:|`,
  ];
  for (const [key, runs] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [variant, connections] = key.split('|');
    const rps = runs.map((r) => r.rps);
    lines.push(
      `| ${variant} | ${connections} | ${median(rps).toFixed(0)} | ${Math.min(...rps).toFixed(0)}–${Math.max(...rps).toFixed(0)} | ${median(runs.map((r) => r.p50))} | ${median(runs.map((r) => r.p99))} |`,
    );
  }
  const cpus = os.cpus();
  process.stdout.write(
    `\n${new Date().toISOString()} — ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' ',
      )}, Node ${process.version}, ${ROUNDS} rounds × ${DURATION} s bursts, GET ${ROUTE}\n\n${lines.join('\n')}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

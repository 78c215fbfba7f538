'use strict';
/**
 * `npm run bench`: the read-path benchmark of issue 3 (see docs/PERFORMANCE.md).
 *
 * 1. Starts a throwaway embedded PostgreSQL (the same EmbeddedPostgresServer the app uses) and
 *    our server (`node dist/main.js`, which applies the migrations), then loads the data set.
 * 2. Starts reference servers (a) node:http+pg+JSON.stringify and (b) node:http+pg with the JSON
 *    built by PostgreSQL, and a second instance of our server with the read cache on.
 * 3. For 1 bar, 1,000 bars, 10,000 bars of 1m and a 5m aggregation of one day, at 1 and 32
 *    connections, over ≥1,000 distinct (symbol, start) targets: req/s, p50/p99, peak RSS.
 * 4. Exports 1,000,000 bars as CSV from a fresh server and records its peak RSS.
 * Prints a table and writes bench/results/latest.json. BENCH_DURATION (seconds, default 5).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { Client } = require('pg');

const { loadDataset, targets, CSV_SYMBOL } = require('./dataset');
const { freePort } = require('./free-port');
const { measure, postmasterPidOf, rssMb } = require('./read-scenarios');

const ROOT = path.resolve(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const SCENARIOS = [
  ['bars1', '1 bar (1m)'],
  ['bars1000', '1,000 bars (1m)'],
  ['bars10000', '10,000 bars (1m)'],
  ['agg5m', '5m aggregation, one day'],
];
const CONNECTIONS = [1, 32];
const children = [];
// A private copy of the build: other processes (a test run's global setup) may rebuild dist/
// while the bench starts servers. Under the repository root, so node_modules still resolves.
const DIST = path.join(ROOT, '.scratch', `bench-dist-${process.pid}`);

const log = (line) => process.stdout.write(`${line}\n`);

async function waitFor(url, proc, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${url}: the process exited with ${proc.exitCode}`);
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

async function startProcess(name, script, env, healthPath) {
  const port = await freePort();
  const proc = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...env,
      API_PORT: String(port),
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  proc.once('exit', (code) => {
    if (code) log(`${name} exited with ${code}: ${stderr.slice(0, 2000)}`);
  });
  children.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}${healthPath}`, proc);
  return { name, url, pid: proc.pid, proc };
}

async function stopProcess(server) {
  if (server.proc.exitCode !== null) return;
  const exited = new Promise((resolve) => server.proc.once('exit', resolve));
  server.proc.kill('SIGTERM');
  await exited;
}

function ourServer(name, databaseUrl, cacheTtl) {
  return startProcess(
    name,
    path.join(DIST, 'main.js'),
    {
      DATABASE_URL: databaseUrl,
      API_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BACKFILL_ENABLED: 'false',
      DEMO_SEED: 'false',
      CACHE_TTL_SECONDS: String(cacheTtl),
      DATABASE_POOL_SIZE: '10',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000000',
      RATE_LIMIT_KEY_PER_MINUTE: '10000000',
    },
    '/health',
  );
}

async function csvExport(server) {
  const url = `${server.url}/api/v1/historical/${encodeURIComponent(CSV_SYMBOL)}?timeframe=1m&start=2023-01-01&end=2025-12-31&format=csv`;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(server.pid) ?? 0);
  }, 50);
  const started = Date.now();
  const { bytes, lines } = await new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let bytes = 0;
        let lines = 0;
        res.on('data', (chunk) => {
          bytes += chunk.length;
          for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
        });
        res.on('end', () => resolve({ bytes, lines }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
  clearInterval(sampler);
  return {
    bars: lines - 1,
    megabytes: Math.round(bytes / 1e5) / 10,
    seconds: (Date.now() - started) / 1000,
    peakRssMb: Math.max(peak, rssMb(server.pid, 'VmHWM') ?? 0),
  };
}

async function main() {
  fs.cpSync(path.join(ROOT, 'dist'), DIST, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-bench-'));
  const { EmbeddedPostgresServer } = require(
    path.join(DIST, 'src/database/embedded-postgres.server'),
  );
  // BENCH_DATABASE_URL: reuse a database that already holds the data set (skips the load).
  const reuse = process.env.BENCH_DATABASE_URL;
  const pg = reuse ? undefined : new EmbeddedPostgresServer(dataDir);
  const databaseUrl = reuse ?? (await pg.start('bench')).url;
  const result = {
    date: new Date().toISOString(),
    loadAverageAtStart: os.loadavg(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    durationSeconds: DURATION,
    dataset: {},
    runs: [],
    csv: null,
    peakRssMb: {},
  };
  try {
    log(
      `PostgreSQL ${reuse ? 'at BENCH_DATABASE_URL' : `in ${dataDir}`}; starting our server (applies migrations)`,
    );
    const uncached = await ourServer('ours (no cache)', databaseUrl, 0);
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const postmasterPid = await postmasterPidOf(client);
    if (reuse) {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM bars`);
      result.dataset = { bars: rows[0].n, reused: true };
    } else {
      log('loading the data set…');
      result.dataset = await loadDataset(client, log);
    }
    await client.end();
    log(
      `${result.dataset.bars} bars${result.dataset.seconds ? ` loaded in ${result.dataset.seconds} s` : ''}`,
    );

    const cached = await ourServer('ours (cache)', databaseUrl, 300);
    const refA = await startProcess(
      'ref (a) JSON.stringify',
      path.join(__dirname, 'reference-a.js'),
      { DATABASE_URL: databaseUrl },
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02T14:30:00Z&end=2024-01-02T14:30:00Z&limit=1',
    );
    const refB = await startProcess(
      'ref (b) PG builds JSON',
      path.join(__dirname, 'reference-b.js'),
      { DATABASE_URL: databaseUrl },
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02T14:30:00Z&end=2024-01-02T14:30:00Z&limit=1',
    );
    const servers = [uncached, cached, refA, refB];

    // BENCH_SCENARIOS=bars1,agg5m runs a subset (for quick comparisons).
    const only = process.env.BENCH_SCENARIOS?.split(',');
    for (const [scenario, label] of SCENARIOS.filter(([s]) => !only || only.includes(s))) {
      const paths = targets(scenario);
      // A 2 s pass per server first: it fills the cache of the cached instance, warms
      // PostgreSQL's buffers for everyone, and lets every server's JIT compile its hot path
      // (ours runs far more JavaScript than the references, so a cold start would understate it).
      for (const server of servers) {
        await measure({ url: server.url, pid: server.pid, paths, connections: 8, duration: 2 });
      }
      for (const connections of CONNECTIONS) {
        for (const server of servers) {
          const m = await measure({
            url: server.url,
            pid: server.pid,
            paths,
            connections,
            duration: DURATION,
            postmasterPid,
          });
          result.runs.push({ scenario, label, connections, server: server.name, ...m });
          log(
            `${label.padEnd(26)} c=${String(connections).padEnd(3)} ${server.name.padEnd(24)} ${String(m.requestsPerSecond).padStart(7)} req/s  p50 ${m.p50Ms} ms  p99 ${m.p99Ms} ms  rss ${m.peakRssMb} MB  cpu ${m.cpuMsPerRequest} ms/req  pg ${m.pgCpuMsPerRequest} ms/req${m.errors ? `  ERRORS ${m.errors}` : ''}`,
          );
        }
      }
    }
    for (const server of servers) result.peakRssMb[server.name] = rssMb(server.pid, 'VmHWM');
    for (const server of servers) await stopProcess(server);

    if (process.env.BENCH_SKIP_CSV === 'true') return finish(result);
    log('CSV export of 1,000,000 bars from a fresh server…');
    const fresh = await ourServer('ours (csv)', databaseUrl, 0);
    result.csv = await csvExport(fresh);
    await stopProcess(fresh);
    log(
      `CSV: ${result.csv.bars} bars, ${result.csv.megabytes} MB in ${result.csv.seconds} s, server peak RSS ${result.csv.peakRssMb} MB`,
    );
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(DIST, { recursive: true, force: true });
  }
  finish(result);
}

function finish(result) {
  result.loadAverageAtEnd = os.loadavg();
  printTable(result);
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results/latest.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  log('written bench/results/latest.json');
}

function printTable(result) {
  log(
    '\nscenario                   conns  server                     req/s    p50   p99   ×(a)  ×(b)  cpu ms/req  pg ms/req  rss MB',
  );
  for (const run of result.runs) {
    const peer = (name) =>
      result.runs.find(
        (r) =>
          r.scenario === run.scenario && r.connections === run.connections && r.server === name,
      );
    const ours = run.server.startsWith('ours');
    const ratio = (name) =>
      ours ? (run.requestsPerSecond / peer(name).requestsPerSecond).toFixed(2) : '';
    run.ratioVsA = ours ? Number(ratio('ref (a) JSON.stringify')) : undefined;
    run.ratioVsB = ours ? Number(ratio('ref (b) PG builds JSON')) : undefined;
    log(
      `${run.label.padEnd(27)}${String(run.connections).padEnd(7)}${run.server.padEnd(25)}${String(run.requestsPerSecond).padStart(7)} ${String(run.p50Ms).padStart(6)}${String(run.p99Ms).padStart(6)}  ${ratio('ref (a) JSON.stringify').padStart(5)} ${ratio('ref (b) PG builds JSON').padStart(5)}  ${String(run.cpuMsPerRequest).padStart(10)} ${String(run.pgCpuMsPerRequest).padStart(10)}  ${run.peakRssMb}`,
    );
  }
  log(`\npeak RSS (VmHWM, MB): ${JSON.stringify(result.peakRssMb)}`);
}

main().catch((error) => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});

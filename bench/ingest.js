'use strict';
/**
 * Ingest benchmark (docs/PERFORMANCE.md, "Ingest"): `node bench/ingest.js` after
 * `npm run build` (the lead's `npm run bench` runs it too).
 *
 * 1. Compiles src/, migrations/ and the fake Polygon server (test/fake-polygon) with SWC into a
 *    private directory, starts a throwaway embedded PostgreSQL and the fake server.
 * 2. Renders every page of 20 symbols × one year of 1-minute bars once, through a small caching
 *    proxy in front of the fake: the timed backfill then replays Polygon's wire format at network
 *    speed, so the figure measures the warehouse and not the fake's synthetic-bar generator
 *    (which alone manages ≈ 75k bars/s on one core).
 * 3. Times `node dist/cli.js backfill` (fetch pages over HTTP, parse and check them, score every
 *    bar, COPY into a staging table, upsert, watermark, progress) into the empty, indexed table,
 *    using the run's own started/finished instants.
 * 4. Exports exactly the stored rows, empties the table and times a plain COPY of them into the
 *    same table: the upper bound for getting these rows into PostgreSQL.
 * Prints rows/s of both and their ratio (target ≥ 0.5) and writes bench/results/ingest.json.
 * BENCH_INGEST_SYMBOLS (default 20) and BENCH_INGEST_DAYS (default 365) shrink it for a quick look.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { Readable, Writable } = require('node:stream');
const { URL } = require('node:url');

const { Client } = require('pg');
const { from: copyFrom, to: copyTo } = require('pg-copy-streams');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, '.scratch', `ingest-dist-${process.pid}`);
const SYMBOLS = Number(process.env.BENCH_INGEST_SYMBOLS ?? 20);
const DAYS = Number(process.env.BENCH_INGEST_DAYS ?? 365);
const FROM = '2024-01-02';
const TO = new Date(Date.parse(`${FROM}T00:00:00Z`) + (DAYS - 1) * 86_400_000)
  .toISOString()
  .slice(0, 10);
const COLUMNS =
  'symbol, timeframe, ts, open, high, low, close, volume, vwap, trades, source, quality_score, flags, validated';

const log = (line) => process.stdout.write(`${line}\n`);

function build() {
  execFileSync(
    process.execPath,
    [
      require.resolve('@swc/cli/bin/swc.js'),
      'src',
      'migrations',
      'test/fake-polygon',
      '-d',
      DIST,
      '-q',
      '--copy-files',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  fs.writeFileSync(path.join(DIST, 'cli.js'), "require('./src/cli');\n");
}

/** Caches the fake's responses by path + query (without the key), rewriting next_url to itself. */
function startCachingProxy(upstreamUrl) {
  const cache = new Map();
  const stats = { hits: 0, misses: 0 };
  let selfUrl = '';
  const keyOf = (url) => {
    const parsed = new URL(url, 'http://x');
    parsed.searchParams.delete('apiKey');
    parsed.searchParams.sort();
    return `${parsed.pathname}?${parsed.searchParams}`;
  };
  const server = http.createServer((req, res) => {
    const key = keyOf(req.url);
    const cached = cache.get(key);
    if (cached) {
      stats.hits += 1;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': cached.length });
      res.end(cached);
      return;
    }
    stats.misses += 1;
    http
      .get(`${upstreamUrl}${req.url}`, (upstream) => {
        const chunks = [];
        upstream.on('data', (chunk) => chunks.push(chunk));
        upstream.on('end', () => {
          const body = Buffer.from(
            Buffer.concat(chunks).toString().split(upstreamUrl).join(selfUrl),
          );
          if (upstream.statusCode === 200) cache.set(key, body);
          res.writeHead(upstream.statusCode, {
            'Content-Type': upstream.headers['content-type'] ?? 'application/json',
            'Content-Length': body.length,
          });
          res.end(body);
        });
      })
      .on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      selfUrl = `http://127.0.0.1:${server.address().port}`;
      resolve({ url: selfUrl, stats, close: () => new Promise((r) => server.close(r)) });
    }),
  );
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
          else resolve(JSON.parse(Buffer.concat(chunks).toString()));
        });
      })
      .on('error', reject);
  });
}

/** Requests every page of a symbol's window the way the Polygon provider will. */
async function warm(proxyUrl, key, symbol) {
  let url =
    `${proxyUrl}/v2/aggs/ticker/${symbol}/range/1/minute/${FROM}/${TO}` +
    `?adjusted=false&sort=asc&limit=50000&apiKey=${key}`;
  let bars = 0;
  while (url) {
    const body = await getJson(url);
    bars += body.results?.length ?? 0;
    url = body.next_url ? `${body.next_url}&apiKey=${key}` : null;
  }
  return bars;
}

function runCli(args, env) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(DIST, 'cli.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk) => (stdout += chunk));
    proc.stderr.on('data', (chunk) => (stderr += chunk));
    proc.once('exit', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`cli ${args[0]} exited ${code}: ${stderr.slice(0, 2000)}`)),
    );
  });
}

async function exportRows(db) {
  const chunks = [];
  await pipeline(
    db.query(copyTo(`COPY (SELECT ${COLUMNS} FROM bars) TO STDOUT`)),
    new Writable({
      write(chunk, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return chunks;
}

async function main() {
  build();
  const { EmbeddedPostgresServer } = require(
    path.join(DIST, 'src/database/embedded-postgres.server'),
  );
  const { startFakePolygon } = require(path.join(DIST, 'test/fake-polygon/fake-polygon.server'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-ingest-'));
  const pg = new EmbeddedPostgresServer(dataDir);
  const { url: databaseUrl } = await pg.start('ingest');
  const fake = await startFakePolygon({ pageSize: 50_000 });
  const proxy = await startCachingProxy(fake.url);
  const db = new Client({ connectionString: databaseUrl });
  try {
    const symbols = Array.from(
      { length: SYMBOLS },
      (_, i) => `BENCH${String(i + 1).padStart(2, '0')}`,
    );
    log(`ingest bench: ${SYMBOLS} symbols × 1m bars ${FROM}..${TO}; rendering upstream pages…`);
    let upstreamBars = 0;
    for (const symbol of symbols) upstreamBars += await warm(proxy.url, fake.key, symbol);
    const warmMisses = proxy.stats.misses;

    const env = {
      DATABASE_URL: databaseUrl,
      POLYGON_API_KEY: fake.key,
      POLYGON_BASE_URL: proxy.url,
      POLYGON_REQUESTS_PER_MINUTE: '100000',
      LOG_LEVEL: 'warn',
    };
    await runCli(['migrate'], env);
    await db.connect();
    await db.query(
      `INSERT INTO symbols (symbol, name, asset_class, exchange, timeframes)
       SELECT s, s, 'stocks', 'XNYS', '{1m}' FROM unnest($1::text[]) s`,
      [symbols],
    );

    log(`backfilling ${upstreamBars.toLocaleString('en-US')} bars…`);
    const wallStarted = Date.now();
    const out = await runCli(
      ['backfill', '--timeframes', '1m', '--from', FROM, '--to', TO, '--json'],
      env,
    );
    const wallSeconds = (Date.now() - wallStarted) / 1000;
    const run = JSON.parse(out.trim().split('\n').pop());
    const [timing] = (
      await db.query(
        `SELECT extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM backfill_runs
          WHERE id = $1`,
        [run.runId],
      )
    ).rows;
    const stored = Number((await db.query(`SELECT count(*) FROM bars`)).rows[0].count);

    const rows = await exportRows(db);
    await db.query(`TRUNCATE bars`);
    await db.query(`CHECKPOINT`);
    const copyStarted = process.hrtime.bigint();
    await pipeline(Readable.from(rows), db.query(copyFrom(`COPY bars (${COLUMNS}) FROM STDIN`)));
    const copySeconds = Number(process.hrtime.bigint() - copyStarted) / 1e9;
    const copied = Number((await db.query(`SELECT count(*) FROM bars`)).rows[0].count);

    const backfillRate = run.barsWritten / timing.seconds;
    const copyRate = copied / copySeconds;
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      symbols: SYMBOLS,
      window: { from: FROM, to: TO, timeframe: '1m' },
      upstreamBars,
      backfill: {
        status: run.status,
        barsFetched: run.barsFetched,
        barsWritten: run.barsWritten,
        stored,
        seconds: timing.seconds,
        wallSecondsWithStartup: wallSeconds,
        rowsPerSecond: Math.round(backfillRate),
        proxyMissesDuringRun: proxy.stats.misses - warmMisses,
      },
      copy: { rows: copied, seconds: copySeconds, rowsPerSecond: Math.round(copyRate) },
      ratio: Math.round((backfillRate / copyRate) * 100) / 100,
      target: 0.5,
    };
    log('');
    log(`| path | rows | seconds | rows/s |`);
    log(`|---|---:|---:|---:|`);
    log(
      `| backfill (fetch + validate + stage + upsert) | ${run.barsWritten} | ${timing.seconds.toFixed(2)} | ${result.backfill.rowsPerSecond} |`,
    );
    log(
      `| plain COPY of the same rows | ${copied} | ${copySeconds.toFixed(2)} | ${result.copy.rowsPerSecond} |`,
    );
    log(`ratio ${result.ratio} (target ≥ ${result.target})`);
    if (run.status !== 'succeeded' || stored !== upstreamBars) {
      log(`WARNING: run ${run.status}, stored ${stored} of ${upstreamBars} upstream bars`);
    }
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, 'results', 'ingest.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    return result;
  } finally {
    await db.end().catch(() => undefined);
    await proxy.close();
    await fake.close();
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(DIST, { recursive: true, force: true });
  }
}

module.exports = { main };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`ingest bench failed: ${error.stack ?? error}\n`);
    process.exit(1);
  });
}

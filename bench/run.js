'use strict';
/**
 * `npm run bench`: the read path of two builds on the same data in one run (see
 * docs/PERFORMANCE.md, "Running the bench").
 *
 * 1. Prepares the builds: the working tree's (`new`) and BENCH_BASELINE's (`old`, default main).
 * 2. Starts a throwaway embedded PostgreSQL, loads the data set (bench/dataset.js), VACUUMs it.
 * 3. Runs every scenario (bench/scenarios.js) against the servers it names: our two builds with
 *    the cache on (the default) and off, the reference servers (a) and (b), fresh servers for
 *    memory comparisons, and pgbench for the plain-SQL column. Each measurement is a short
 *    warm-up and BENCH_DURATION seconds (default 5) of autocannon over rotating targets.
 * 4. Exports 1,000,000 bars as CSV from a fresh server of each build, and as Arrow from the new
 *    one (peak RSS).
 * Prints the tables and the targets, and writes bench/results/latest.json.
 * BENCH_SCENARIOS=a,b runs a subset; BENCH_SKIP_CSV=true skips the export.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Client } = require('pg');

const { newBuild, oldBuild } = require('./builds');
const { CSV_SYMBOL, loadDataset } = require('./dataset');
const { postmasterPidOf, rssMb } = require('./read-scenarios');
const { runScenario, SCENARIOS } = require('./scenarios');
const { killAll, ourServer, stopProcess } = require('./servers');
const { csvExport } = require('./csv-export');
const { printResults } = require('./report');

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const BASELINE = process.env.BENCH_BASELINE ?? 'main';
const log = (line) => process.stdout.write(`${line}\n`);

async function main() {
  const builds = { new: newBuild(log), old: oldBuild(BASELINE, log) };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-bench-'));
  const { EmbeddedPostgresServer } = require(
    path.join(builds.new.dist, 'src/database/embedded-postgres.server'),
  );
  const pg = new EmbeddedPostgresServer(dataDir);
  // Interrupted (Ctrl-C, a timeout): stop what this run started before leaving.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      killAll('SIGKILL');
      void pg
        .stop()
        .catch(() => undefined)
        .finally(() => {
          fs.rmSync(dataDir, { recursive: true, force: true });
          process.exit(130);
        });
    });
  }
  const databaseUrl = (await pg.start('bench')).url;
  const result = {
    date: new Date().toISOString(),
    baseline: BASELINE,
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
    csv: {},
  };
  const started = Date.now();
  try {
    // The new build's server applies its migrations; the old one runs on the same schema.
    const first = await ourServer(builds.new, { name: 'migrate', databaseUrl, cache: false, log });
    await stopProcess(first);
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const postmasterPid = await postmasterPidOf(client);
    log('loading the data set…');
    result.dataset = await loadDataset(client, log);
    await client.query('VACUUM ANALYZE bars');
    await client.end();
    log(`${result.dataset.bars} bars loaded in ${result.dataset.seconds} s`);

    const context = { builds, databaseUrl, postmasterPid, duration: DURATION, log, result };
    const only = process.env.BENCH_SCENARIOS?.split(',');
    for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.id))) {
      await runScenario(scenario, context);
    }

    if (process.env.BENCH_SKIP_CSV !== 'true') {
      for (const build of [builds.old, builds.new]) {
        const server = await ourServer(build, {
          name: `${build.name} (csv)`,
          databaseUrl,
          cache: false,
          log,
        });
        result.csv[build.name] = await csvExport(server, CSV_SYMBOL, rssMb);
        await stopProcess(server);
        log(`CSV ${build.name}: ${JSON.stringify(result.csv[build.name])}`);
      }
      // The same export as an Arrow stream, from a fresh server of the new build.
      const server = await ourServer(builds.new, {
        name: 'new (arrow)',
        databaseUrl,
        cache: false,
        log,
      });
      result.csv['new arrow'] = await csvExport(server, CSV_SYMBOL, rssMb, 'arrow');
      await stopProcess(server);
      log(`Arrow new: ${JSON.stringify(result.csv['new arrow'])}`);
    }
  } finally {
    killAll();
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    builds.new.cleanup();
  }
  result.minutes = Math.round((Date.now() - started) / 600) / 100;
  result.loadAverageAtEnd = os.loadavg();
  printResults(result, log);
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results/latest.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  log('written bench/results/latest.json');
}

main().catch((error) => {
  killAll('SIGKILL');
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});

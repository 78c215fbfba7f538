'use strict';
/**
 * What `npm run bench` measures. Each scenario names its request targets and what serves them:
 *
 * - `servers`: long-lived servers shared across scenarios (our two builds with the cache on, the
 *   default, and off; the reference servers), at each of `connections`;
 * - `fresh`: a new server per entry, started for this scenario alone, so that its peak RSS is
 *   this scenario's (memory comparisons: cache on/off, a mechanism on/off, multi vs single);
 * - `plainSql`: the same statements through pgbench (bench/plain-sql.js);
 * - `hot`: a re-read working set mixed into a scan (withHotSet), for the cache's mechanisms;
 * - `format`: the targets asked for in that format (`format=csv`, `format=arrow`).
 *
 * Servers are named `<build> <config>`: `new`, `old` (the default configuration), `new nocache`,
 * `old nocache`, `new -<mechanism>` (READ_PATH_DISABLE=<mechanism>), `ref a`, `ref b`.
 */
const { targets } = require('./dataset');
const { plainSql } = require('./plain-sql');
const { measure, rssMb } = require('./read-scenarios');
const { ourServer, referenceServer, stopProcess } = require('./servers');

const BOTH = ['old', 'old nocache', 'new', 'new nocache'];
const WITH_REFERENCES = [...BOTH, 'ref a', 'ref b'];
const UNCACHED = ['old nocache', 'new nocache'];
const FORMATS = ['json', 'csv', 'arrow'];

const SCENARIOS = [
  { id: 'bars1', label: '1 bar (1m)', servers: WITH_REFERENCES, connections: [1, 32] },
  { id: 'bars1000', label: '1,000 bars (1m)', servers: WITH_REFERENCES, connections: [1, 32] },
  // The same pages adjusted for splits and dividends (the old build may not serve them).
  {
    id: 'bars1000-all',
    label: '1,000 bars (1m), adjustment=all',
    servers: ['new', 'new nocache'],
    connections: [1, 32],
  },
  { id: 'bars10000', label: '10,000 bars (1m)', servers: WITH_REFERENCES, connections: [1, 32] },
  { id: 'agg5m', label: '5m aggregation, one day', servers: WITH_REFERENCES, connections: [1, 32] },
  { id: 'latest', label: 'latest 1m bar', servers: BOTH, connections: [32], count: 20 },
  { id: 'daily', label: '1d, a year', servers: UNCACHED, connections: [32], plainSql: true },
  {
    id: 'weekly',
    label: '1w from daily, a year',
    servers: UNCACHED,
    connections: [32],
    plainSql: true,
  },
  {
    id: 'agg5m1000',
    label: '5m, 1,000 buckets',
    servers: UNCACHED,
    connections: [32],
    plainSql: true,
  },
  {
    id: 'agg5m1000-no-end',
    label: '5m, 1,000 buckets, no end',
    servers: UNCACHED,
    connections: [32],
  },
  {
    id: 'no-reread',
    label: '1,000 bars, every page once',
    targets: 'bars1000',
    count: 8000,
    // With the admission off too: what the default configuration would hold without it.
    fresh: ['old', 'old nocache', 'new', 'new nocache', 'new -admission'],
    connections: [32],
    warmup: false,
  },
  {
    id: 'single50000',
    label: '50,000 bars, one symbol',
    targets: 'bars50000',
    count: 200,
    fresh: ['old nocache', 'new nocache'],
    connections: [4],
  },
  {
    id: 'multi50000',
    label: '50,000 bars, four symbols',
    targets: 'multi50000',
    count: 200,
    fresh: ['old nocache', 'new nocache'],
    connections: [4],
  },
  // Each mechanism against its simpler alternative: the new build with it switched off.
  {
    id: 'fast-lane',
    label: 'mechanism: fast lane',
    targets: 'bars1',
    fresh: ['new nocache', 'new nocache -fast-lane'],
    connections: [32],
  },
  {
    id: 'halves',
    label: 'mechanism: two halves',
    targets: 'bars1000',
    fresh: ['new nocache', 'new nocache -halves'],
    connections: [1],
  },
  {
    id: 'pieces',
    label: 'mechanism: pieces',
    targets: 'bars1000',
    fresh: ['new nocache', 'new nocache -pieces'],
    connections: [32],
  },
  {
    id: 'stream',
    label: 'mechanism: streamed COPY',
    targets: 'bars10000',
    fresh: ['new nocache', 'new nocache -stream'],
    connections: [32],
  },
  {
    id: 'admission',
    label: 'mechanism: cache admission',
    targets: 'bars1000',
    hot: 150,
    fresh: ['new', 'new -admission'],
    connections: [32],
  },
  // The same pages in each format, from the new build (the old one may not serve them all).
  ...FORMATS.flatMap((format) => [
    {
      id: `${format}1000`,
      label: `1,000 bars (1m), ${format}`,
      targets: 'bars1000',
      format,
      servers: ['new nocache'],
      connections: [1, 32],
    },
    {
      id: `${format}50000`,
      label: `50,000 bars (1m), ${format}`,
      targets: 'bars50000',
      format,
      count: 200,
      servers: ['new nocache'],
      connections: [4],
    },
  ]),
];

/**
 * With `hot`: the first `hot` targets re-read between a scan of the others, one of each in turn
 * (what the read cache is for: a working set larger than the cache's share left by the scan).
 */
function withHotSet(paths, hot) {
  if (!hot) return paths;
  const cold = paths.slice(hot);
  return cold.flatMap((path, i) => [paths[i % hot], path]);
}

/** Starts the server a name stands for. */
function startServer(name, { builds, databaseUrl, log }) {
  if (name === 'ref a') return referenceServer(name, 'reference-a.js', databaseUrl, log);
  if (name === 'ref b') return referenceServer(name, 'reference-b.js', databaseUrl, log);
  const [buildName, ...options] = name.split(' ');
  const build = builds[buildName];
  const disable = options.filter((o) => o.startsWith('-')).map((o) => o.slice(1));
  return ourServer(build, { name, databaseUrl, cache: !options.includes('nocache'), disable, log });
}

const shared = new Map();

async function sharedServer(name, context) {
  if (!shared.has(name)) shared.set(name, await startServer(name, context));
  return shared.get(name);
}

async function runScenario(scenario, context) {
  const { duration, postmasterPid, log, result } = context;
  const paths = withHotSet(
    targets(scenario.targets ?? scenario.id, scenario.count),
    scenario.hot,
  ).map((p) => (scenario.format ? `${p}&format=${scenario.format}` : p));
  const record = (server, connections, m) => {
    result.runs.push({ scenario: scenario.id, label: scenario.label, connections, server, ...m });
    log(
      `${scenario.label.padEnd(30)} c=${String(connections).padEnd(3)} ${server.padEnd(24)} ${String(m.requestsPerSecond).padStart(6)} req/s  p50 ${m.p50Ms} ms  rss ${m.peakRssMb} MB${m.errors ? `  ERRORS ${m.errors}` : ''}`,
    );
  };
  const run = async (server, connections) =>
    measure({ url: server.url, pid: server.pid, paths, connections, duration, postmasterPid });
  const warm = (server) =>
    measure({ url: server.url, pid: server.pid, paths, connections: 8, duration: 2 });

  if (scenario.servers) {
    const servers = [];
    for (const name of scenario.servers) servers.push(await sharedServer(name, context));
    // A 2 s pass per server first: it warms PostgreSQL's buffers, every server's JIT and the
    // cached servers' caches.
    for (const server of servers) await warm(server);
    for (const connections of scenario.connections) {
      for (const server of servers)
        record(server.name, connections, await run(server, connections));
    }
  }
  for (const name of scenario.fresh ?? []) {
    const server = await startServer(name, context);
    try {
      const idleRssMb = rssMb(server.pid);
      if (scenario.warmup !== false) await warm(server);
      for (const connections of scenario.connections) {
        const m = await run(server, connections);
        record(name, connections, {
          ...m,
          idleRssMb,
          fresh: true,
          vmHwmMb: rssMb(server.pid, 'VmHWM'),
        });
      }
    } finally {
      await stopProcess(server);
    }
  }
  if (scenario.plainSql) {
    for (const connections of scenario.connections) {
      const { tps, latencyMs } = await plainSql({
        build: context.builds.new,
        databaseUrl: context.databaseUrl,
        paths,
        connections,
        duration,
      });
      result.runs.push({
        scenario: scenario.id,
        label: scenario.label,
        connections,
        server: 'plain SQL',
        requestsPerSecond: tps,
        p50Ms: latencyMs,
      });
      log(
        `${scenario.label.padEnd(30)} c=${String(connections).padEnd(3)} ${'plain SQL (pgbench)'.padEnd(24)} ${String(tps).padStart(6)} tps    avg ${latencyMs} ms`,
      );
    }
  }
}

module.exports = { SCENARIOS, runScenario };

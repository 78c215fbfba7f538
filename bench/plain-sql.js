'use strict';
/**
 * The plain-SQL column: the very statements the new build runs for a scenario's requests,
 * executed by pgbench (the PostgreSQL client tools' C load generator) on the same database, so
 * that "ours / plain SQL" is what the HTTP server costs on top of its SQL.
 *
 * The statements come from the new build's own resolver and read plan. pgbench sends `:name`
 * variables as bind parameters of a prepared statement, but takes string values only from the
 * command line (`-D`), for all its clients: so the connections are split over PROCESSES pgbench
 * processes, each with the values of another target, run at the same time and summed. Their
 * sessions get the read pool's settings (generic plans, ISO dates, shortest-exact floats).
 */
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { URL } = require('node:url');

const PGBENCH = process.env.PGBENCH ?? '/usr/lib/postgresql/15/bin/pgbench';
const PROCESSES = 4;
const READ_SESSION = [
  '-c plan_cache_mode=force_generic_plan',
  '-c default_transaction_read_only=on',
  '-c DateStyle=ISO,MDY',
  '-c extra_float_digits=1',
].join(' ');

/** The statement the new build runs for a request path (a one-statement page). */
function statementFor(build, requestPath) {
  const { BarQueryResolver } = require(path.join(build.dist, 'src/bars/query/bar-query.resolver'));
  const { Clock } = require(path.join(build.dist, 'src/common/clock'));
  const { normaliseSymbol } = require(path.join(build.dist, 'src/market/symbol'));
  const { planPageRead } = require(path.join(build.dist, 'src/bars/query/read-plan'));
  const url = new URL(requestPath, 'http://x');
  const symbol = normaliseSymbol(decodeURIComponent(url.pathname.split('/').pop()));
  const query = Object.fromEntries(url.searchParams);
  if (query.limit !== undefined) query.limit = Number(query.limit);
  const { selection } = new BarQueryResolver(new Clock()).resolve([symbol], query, undefined);
  const plan = planPageRead(selection, { spareConnections: 0, disabled: new Set() });
  if (plan.kind !== 'one-row') throw new Error(`${requestPath}: not a one-statement page`);
  return plan.statement;
}

/**
 * The statement for pgbench: parameters as variables `:p1`, `:p2`, ... pgbench reads `:name`
 * even inside a string, so the one such text, the time format of the rare to_char branch, has
 * its colons quoted: `HH24":"MI":"SS` formats exactly like `HH24:MI:SS`.
 */
function forPgbench(sql) {
  return sql.replace(/\$(\d+)\b/g, ':p$1').replace(/HH24:MI:SS/g, 'HH24":"MI":"SS');
}

/** Runs pgbench over the scenario's targets; returns { tps, latencyMs }. */
async function plainSql({ build, databaseUrl, paths, connections, duration }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-pgbench-'));
  try {
    const runs = paths.slice(0, PROCESSES).map((requestPath, i) => {
      const { sql, params } = statementFor(build, requestPath);
      const file = path.join(dir, `t${i}.sql`);
      fs.writeFileSync(file, `${forPgbench(sql)};\n`);
      const clients = Math.max(1, Math.round(connections / PROCESSES));
      const args = [
        '-n',
        '-M',
        'prepared',
        '-c',
        String(clients),
        '-j',
        '1',
        '-T',
        String(duration),
      ];
      params.forEach((value, n) => args.push('-D', `p${n + 1}=${value}`));
      args.push('-f', file, databaseUrl);
      return pgbench(args);
    });
    const results = await Promise.all(runs);
    const tps = results.reduce((sum, r) => sum + r.tps, 0);
    const latencyMs = results.reduce((sum, r) => sum + r.latencyMs, 0) / results.length;
    return { tps: Math.round(tps), latencyMs: Math.round(latencyMs * 100) / 100 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function pgbench(args) {
  return new Promise((resolve, reject) => {
    execFile(
      PGBENCH,
      args,
      { env: { ...process.env, PGOPTIONS: READ_SESSION }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const tps = Number(/tps = ([\d.]+) \(without/.exec(stdout)?.[1]);
        const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
        if (error || !Number.isFinite(tps)) {
          reject(new Error(`pgbench: ${(stderr || stdout || String(error)).slice(0, 2000)}`));
        } else {
          resolve({ tps, latencyMs });
        }
      },
    );
  });
}

module.exports = { plainSql, statementFor };

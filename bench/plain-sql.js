'use strict';
/**
 * The plain-SQL column: the very statements the new build runs for a scenario's requests,
 * executed by pgbench (the PostgreSQL client tools' C load generator) on the same database, so
 * that "ours / plain SQL" is what the HTTP server costs on top of its SQL.
 *
 * The statements come from the new build's own resolver and read plan. pgbench scripts take no
 * string parameters, so each target becomes a script with its values as literals, cast like the
 * bind parameters they replace (`'AAPL'::text` for `$1::text`); with `-M prepared` each script is
 * planned once per connection, like our named statements.
 */
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { URL } = require('node:url');

const PGBENCH = process.env.PGBENCH ?? '/usr/lib/postgresql/15/bin/pgbench';
/** pgbench takes at most 128 scripts; 100 targets per run. */
const SCRIPTS = 100;

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

/** The statement with its values in place of the parameters. */
function withLiterals({ sql, params }) {
  return sql.replace(
    /\$(\d+)\b/g,
    (_, n) => `'${String(params[Number(n) - 1]).replace(/'/g, "''")}'`,
  );
}

/**
 * Runs pgbench over the scenario's first targets; returns { tps, latencyMs }.
 */
async function plainSql({ build, databaseUrl, paths, connections, duration }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-pgbench-'));
  try {
    const files = paths.slice(0, SCRIPTS).map((requestPath, i) => {
      const file = path.join(dir, `t${i}.sql`);
      fs.writeFileSync(file, `${withLiterals(statementFor(build, requestPath))};\n`);
      return file;
    });
    const args = [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(connections),
      '-j',
      '2',
      '-T',
      String(duration),
    ];
    for (const file of files) args.push('-f', file);
    args.push(databaseUrl);
    const output = await new Promise((resolve, reject) => {
      execFile(PGBENCH, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
        error ? reject(new Error(`pgbench: ${stderr || error.message}`)) : resolve(stdout),
      );
    });
    const tps = Number(/tps = ([\d.]+) \(without/.exec(output)?.[1]);
    const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(output)?.[1]);
    return { tps: Math.round(tps), latencyMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { plainSql, statementFor };

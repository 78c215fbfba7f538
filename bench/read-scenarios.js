'use strict';
/** One autocannon measurement over a rotating list of paths, with the server's RSS sampled. */
const fs = require('node:fs');

const autocannon = require('autocannon');

function rssMb(pid, field = 'VmRSS') {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU time the process has used so far (user + system), in ms: fair under a busy machine. */
function cpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 Hz on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** The process ids of a process's children (PostgreSQL's backends under its postmaster). */
function childPids(parent) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[1]) === parent) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * CPU used so far by a PostgreSQL server: the postmaster, its live children (backends, walwriter,
 * …) and the children it has already reaped (cutime/cstime), in ms.
 */
function postgresCpuMs(postmasterPid) {
  try {
    const fields = fs.readFileSync(`/proc/${postmasterPid}/stat`, 'utf8').split(') ')[1].split(' ');
    const own = fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0) * 10;
    return childPids(postmasterPid).reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), own);
  } catch {
    return null;
  }
}

/** The postmaster of the server a pg client is connected to (parent of its backend). */
async function postmasterPidOf(client) {
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  try {
    const stat = fs.readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8');
    return Number(stat.split(') ')[1].split(' ')[1]);
  } catch {
    return null; // a server on another host (or in a container): no PostgreSQL CPU column
  }
}

async function measure({ url, pid, paths, connections, duration, postmasterPid }) {
  let i = 0;
  const cpuBefore = cpuMs(pid);
  const pgCpuBefore = postmasterPid ? postgresCpuMs(postmasterPid) : null;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid) ?? 0);
  }, 100);
  try {
    const result = await autocannon({
      url,
      connections,
      duration,
      pipelining: 1,
      requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
    });
    const cpu = cpuMs(pid) - cpuBefore;
    const pgCpu = pgCpuBefore === null ? null : postgresCpuMs(postmasterPid) - pgCpuBefore;
    return {
      requestsPerSecond: Math.round(result.requests.average),
      // Server CPU per request: what the server itself spends, independent of how much CPU the
      // machine had left for it (the load generator and PostgreSQL share the same cores).
      cpuMsPerRequest: result.requests.total
        ? Math.round((cpu / result.requests.total) * 1000) / 1000
        : null,
      // PostgreSQL's CPU per request: how heavy the statement is (the same server serves all).
      pgCpuMsPerRequest:
        pgCpu !== null && result.requests.total
          ? Math.round((pgCpu / result.requests.total) * 1000) / 1000
          : null,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      requests: result.requests.total,
      // Response bytes (headers and body) per request, as they cross the wire.
      bytesPerRequest: result.requests.total
        ? Math.round(result.throughput.total / result.requests.total)
        : null,
      errors: result.errors + result.timeouts + result.non2xx,
      distinctTargets: Math.min(paths.length, i),
      peakRssMb: peak,
    };
  } finally {
    clearInterval(sampler);
  }
}

module.exports = { measure, rssMb, cpuMs, postmasterPidOf };

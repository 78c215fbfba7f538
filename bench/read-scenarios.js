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

async function measure({ url, pid, paths, connections, duration }) {
  let i = 0;
  const cpuBefore = cpuMs(pid);
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
    return {
      requestsPerSecond: Math.round(result.requests.average),
      // Server CPU per request: what the server itself spends, independent of how much CPU the
      // machine had left for it (the load generator and PostgreSQL share the same cores).
      cpuMsPerRequest: result.requests.total
        ? Math.round((cpu / result.requests.total) * 1000) / 1000
        : null,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      requests: result.requests.total,
      errors: result.errors + result.timeouts + result.non2xx,
      distinctTargets: Math.min(paths.length, i),
      peakRssMb: peak,
    };
  } finally {
    clearInterval(sampler);
  }
}

module.exports = { measure, rssMb, cpuMs };

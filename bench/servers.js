'use strict';
/** Starting and stopping the servers a bench measures (ours of a build, the references). */
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');

const { freePort } = require('./free-port');

const children = new Set();

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

async function startProcess({ name, script, cwd, env, healthPath, log }) {
  const port = await freePort();
  const proc = spawn(process.execPath, [script], {
    cwd,
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
    children.delete(proc);
    if (code) log(`${name} exited with ${code}: ${stderr.slice(0, 2000)}`);
  });
  children.add(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}${healthPath}`, proc);
  return { name, url, pid: proc.pid, proc };
}

/**
 * Our server from a build. `cache` false: CACHE_TTL_SECONDS=0; `disable`: READ_PATH_DISABLE
 * (mechanisms switched off, new build only).
 */
function ourServer(build, { name, databaseUrl, cache = true, disable = [], log }) {
  return startProcess({
    name,
    script: path.join(build.dist, 'main.js'),
    cwd: build.root,
    env: {
      DATABASE_URL: databaseUrl,
      API_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BACKFILL_ENABLED: 'false',
      DEMO_SEED: 'false',
      ...(cache ? {} : { CACHE_TTL_SECONDS: '0' }),
      ...(disable.length ? { READ_PATH_DISABLE: disable.join(',') } : {}),
      DATABASE_POOL_SIZE: '10',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000000',
      RATE_LIMIT_KEY_PER_MINUTE: '10000000',
    },
    healthPath: '/health',
    log,
  });
}

function referenceServer(name, script, databaseUrl, log) {
  return startProcess({
    name,
    script: path.join(__dirname, script),
    cwd: path.resolve(__dirname, '..'),
    env: { DATABASE_URL: databaseUrl },
    healthPath:
      '/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02T14:30:00Z&end=2024-01-02T14:30:00Z&limit=1',
    log,
  });
}

async function stopProcess(server) {
  if (server.proc.exitCode !== null) return;
  const exited = new Promise((resolve) => server.proc.once('exit', resolve));
  server.proc.kill('SIGTERM');
  await exited;
}

function killAll(signal = 'SIGTERM') {
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}

module.exports = { ourServer, referenceServer, stopProcess, killAll };

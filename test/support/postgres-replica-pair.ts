import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Client } from 'pg';

import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres.server';

/**
 * A real streaming-replication pair for tests: a primary and a hot standby, two PostgreSQL
 * servers from the embedded binaries, each in a temporary directory of its own.
 *
 * The standby is made the way `pg_basebackup -R` makes one (there is no pg_basebackup of the
 * embedded version here): a physical replication slot, then `pg_backup_start`, a copy of the
 * primary's files, `pg_backup_stop` and its backup_label, `standby.signal` and the primary's
 * address in `postgresql.auto.conf`. The slot keeps the WAL the standby still needs.
 */
export interface ReplicaPair {
  /** The primary, database `name` (created and ready). */
  primaryUrl: string;
  /** The standby, same database. */
  standbyUrl: string;
  /** Replay on the standby waits this long after each commit (0: none). */
  setApplyDelay(ms: number): Promise<void>;
  /** Resolves once the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops the standby (a replica that goes away); `close` still cleans up. */
  stopStandby(): Promise<void>;
  close(): Promise<void>;
}

const SLOT = 'mdw_test_standby';

export async function startReplicaPair(name: string): Promise<ReplicaPair> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdw-replica-pair-'));
  const primary = new EmbeddedPostgresServer(path.join(root, 'primary'));
  const primaryConnection = await primary.start(name);
  const primaryUrl = primaryConnection.url;

  const admin = new Client({ connectionString: primaryUrl });
  await admin.connect();
  let standby: EmbeddedPostgresServer | undefined;
  try {
    await admin.query(`SELECT pg_create_physical_replication_slot($1, true)`, [SLOT]);
    await admin.query(`SELECT pg_backup_start('mdw-test-standby', true)`);
    const source = path.join(root, 'primary', 'pg');
    const target = path.join(root, 'standby', 'pg');
    fs.cpSync(source, target, {
      recursive: true,
      // What pg_basebackup leaves out: the running server's lock files and its WAL (the standby
      // streams what it needs from the slot).
      filter: (file) => {
        const relative = path.relative(source, file);
        return !(
          ['postmaster.pid', 'postmaster.opts'].includes(relative) ||
          /^(pg_wal|pg_replslot)\/./.test(relative)
        );
      },
    });
    fs.mkdirSync(path.join(target, 'pg_wal', 'archive_status'), { recursive: true });
    const { rows } = await admin.query<{ labelfile: string }>(
      `SELECT labelfile FROM pg_backup_stop(false)`,
    );
    fs.writeFileSync(path.join(target, 'backup_label'), rows[0].labelfile);
    fs.writeFileSync(path.join(target, 'standby.signal'), '');
    const url = new URL(primaryUrl);
    fs.appendFileSync(
      path.join(target, 'postgresql.auto.conf'),
      [
        '',
        `primary_conninfo = 'host=127.0.0.1 port=${url.port} user=${decodeURIComponent(url.username)} password=${decodeURIComponent(url.password)}'`,
        `primary_slot_name = '${SLOT}'`,
        'hot_standby = on',
        '',
      ].join('\n'),
    );
    standby = new EmbeddedPostgresServer(path.join(root, 'standby'));
    const standbyConnection = await standby.start(name);
    const pair: ReplicaPair = {
      primaryUrl,
      standbyUrl: standbyConnection.url,
      async setApplyDelay(ms) {
        const client = new Client({ connectionString: standbyConnection.url });
        await client.connect();
        try {
          await client.query(`ALTER SYSTEM SET recovery_min_apply_delay = '${Math.floor(ms)}ms'`);
          await client.query(`SELECT pg_reload_conf()`);
        } finally {
          await client.end();
        }
      },
      async caughtUp(timeoutMs = 30_000) {
        const [p, s] = [
          new Client({ connectionString: primaryUrl }),
          new Client({ connectionString: standbyConnection.url }),
        ];
        await Promise.all([p.connect(), s.connect()]);
        try {
          const { rows: written } = await p.query<{ lsn: string }>(
            `SELECT pg_current_wal_lsn()::text AS lsn`,
          );
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const { rows: replayed } = await s.query<{ ok: boolean }>(
              `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok`,
              [written[0].lsn],
            );
            if (replayed[0].ok) return;
            if (Date.now() > deadline) throw new Error('the standby did not catch up in time');
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        } finally {
          await Promise.all([p.end(), s.end()]);
        }
      },
      async stopStandby() {
        await standby?.stop();
      },
      async close() {
        await standby?.stop().catch(() => undefined);
        await primary.stop().catch(() => undefined);
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
    return pair;
  } catch (error) {
    await standby?.stop().catch(() => undefined);
    await primary.stop().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  } finally {
    await admin.end();
  }
}

import type { PoolClient } from 'pg';

/**
 * Every PostgreSQL session advisory lock the warehouse takes, in one registry so no two features
 * can pick the same key. Session locks belong to one connection: take them on a dedicated
 * connection (acquireRawConnection), never on a pooled query that may run elsewhere.
 */
export const ADVISORY_LOCKS = {
  /** Serialises migrations when several processes start at once. */
  migrations: 7_303_110_001,
  /** Whoever holds it runs the scheduled backfill tick. */
  scheduler: 7_303_110_002,
  /** One process seeds an empty demo warehouse. */
  demoSeed: 7_303_110_003,
  /** Whoever holds it runs a pass of the minute-bar retention job. */
  retention: 7_303_110_004,
} as const;

/**
 * Two-key namespace of the per-run liveness locks, (RUN_LIVENESS_NAMESPACE, hashtext(run id)):
 * a run left `running` whose lock nobody holds belongs to a process that died.
 */
export const RUN_LIVENESS_NAMESPACE = 7_303_110;

/** A single bigint key from the registry, or a (namespace, name) pair hashed by PostgreSQL. */
export type AdvisoryLockKey = number | readonly [namespace: number, name: string];

type LockClient = Pick<PoolClient, 'query'>;

function call(fn: string, key: AdvisoryLockKey): { sql: string; params: unknown[] } {
  return typeof key === 'number'
    ? { sql: `SELECT ${fn}($1) AS ok`, params: [key] }
    : { sql: `SELECT ${fn}($1, hashtext($2)) AS ok`, params: [key[0], key[1]] };
}

/** Waits until the lock is free, then holds it for the session. */
export async function takeAdvisoryLock(client: LockClient, key: AdvisoryLockKey): Promise<void> {
  const { sql, params } = call('pg_advisory_lock', key);
  await client.query(sql, params);
}

/** Takes the lock if nobody holds it; false when another session does. */
export async function tryAdvisoryLock(client: LockClient, key: AdvisoryLockKey): Promise<boolean> {
  const { sql, params } = call('pg_try_advisory_lock', key);
  const { rows } = await client.query<{ ok: boolean }>(sql, params);
  return rows[0]?.ok === true;
}

/**
 * Releases the lock. Never throws: a release that fails means the connection is gone, and with
 * it the lock.
 */
export async function releaseAdvisoryLock(client: LockClient, key: AdvisoryLockKey): Promise<void> {
  const { sql, params } = call('pg_advisory_unlock', key);
  await client.query(sql, params).catch(() => undefined);
}

/**
 * Runs `work` while holding the lock. `wait: false` gives up at once when another session holds
 * it (`{ acquired: false }`); the lock is released however `work` ends.
 */
export async function withAdvisoryLock<T>(
  client: LockClient,
  key: AdvisoryLockKey,
  options: { wait: boolean },
  work: () => Promise<T>,
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  if (options.wait) await takeAdvisoryLock(client, key);
  else if (!(await tryAdvisoryLock(client, key))) return { acquired: false };
  try {
    return { acquired: true, value: await work() };
  } finally {
    await releaseAdvisoryLock(client, key);
  }
}

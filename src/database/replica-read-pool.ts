import { Logger } from '@nestjs/common';
import { PoolClient } from 'pg';

import { SeriesChanges } from '../common/series-changes';
import { ReadPool } from './read-pool';

/** A lagging replica's replay position is asked again at most this often. */
const REPLAY_RECHECK_MS = 20;
/** A replica that failed a connection or a statement is left alone this long. */
const REPLICA_REST_MS = 5_000;

/** A WAL position (`pg_lsn` text `X/Y`) as one comparable number. */
export function parseLsn(text: string): bigint {
  const [high, low] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

class Replica {
  /** The newest WAL position it is known to have replayed. */
  replayed = 0n;
  checkedAt = 0;
  restUntil = 0;
  private checking: Promise<void> | undefined;

  constructor(
    readonly pool: ReadPool,
    private readonly onFailure: (replica: Replica, error: unknown) => void,
  ) {}

  /** Reads its replay position again, unless just read; concurrent callers share one query. */
  recheck(now: number): Promise<void> {
    if (now - this.checkedAt < REPLAY_RECHECK_MS) return Promise.resolve();
    this.checking ??= this.pool
      .query<{ lsn: string | null }>(`SELECT pg_last_wal_replay_lsn()::text AS lsn`, [])
      .then(([row]) => {
        // NULL: not a standby in recovery; it never counts as having replayed anything.
        if (row.lsn !== null) this.replayed = parseLsn(row.lsn);
        else this.onFailure(this, new Error('it is not a streaming standby'));
      })
      .catch((error: unknown) => this.onFailure(this, error))
      .finally(() => {
        this.checkedAt = Date.now();
        this.checking = undefined;
      });
    return this.checking;
  }
}

/**
 * The bar-read pool with streaming replicas (DATABASE_READ_URL): statements go to a replica that
 * has replayed every write this process knows of, otherwise to the primary (this pool itself).
 *
 * Freshness: every series-changed signal (this process's writes after their commit, and other
 * processes' through the `bars_changed` relay) makes the primary's current WAL insert position
 * the position a replica must have replayed; until that position is read back, every read goes to
 * the primary. A replica's `pg_last_wal_replay_lsn()` only grows, so once it has reached the
 * position, any statement sent to it afterwards sees the write. The read cache keys pages by the
 * series version taken before the read, so a page read before a change is never served after it.
 * One position for all series: after a write any lagging replica is skipped until it catches up,
 * for every series, which costs the primary a few reads per write and needs nothing from the
 * writers but the signal they already send.
 */
export class ReplicaReadPool extends ReadPool {
  private readonly log = new Logger('ReplicaReadPool');
  private ended = false;
  private readonly replicas: Replica[];
  /** The WAL position a replica must have replayed to serve a read. */
  private required = 0n;
  /** Changes signalled, and the last one whose position is in `required`. */
  private changes = 0;
  private resolvedChanges = -1;
  private reading = false;
  private next = 0;
  /** Statements sent to each side, for the tests and `routing()`. */
  private readonly served = { primary: 0, replica: 0 };

  constructor(
    primaryUrl: string,
    replicaUrls: readonly string[],
    size: number,
    statementTimeoutMs: number,
    signal: SeriesChanges,
  ) {
    super(primaryUrl, size, statementTimeoutMs);
    this.replicas = replicaUrls.map(
      (url) =>
        new Replica(new ReadPool(url, size, statementTimeoutMs), (replica, error) =>
          this.rest(replica, error),
        ),
    );
    signal.subscribe(() => this.primaryMoved());
    // Writes acknowledged before this process started count too.
    this.primaryMoved();
  }

  override prepared<T>(sql: string, params: readonly string[]): Promise<T[]> {
    return this.routed(
      (pool) => pool.prepared<T>(sql, params),
      () => super.prepared<T>(sql, params),
    );
  }

  override query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    return this.routed(
      (pool) => pool.query<T>(sql, params),
      () => super.query<T>(sql, params),
    );
  }

  override connect(): Promise<PoolClient> {
    return this.routed(
      (pool) => pool.connect(),
      () => super.connect(),
    );
  }

  /** Connections free on every side: a statement goes to whichever side is fresh. */
  override spare(): number {
    return this.replicas.reduce((sum, replica) => sum + replica.pool.spare(), super.spare());
  }

  override counts(): { total: number; idle: number; waiting: number } {
    const sum = super.counts();
    for (const replica of this.replicas) {
      const counts = replica.pool.counts();
      sum.total += counts.total;
      sum.idle += counts.idle;
      sum.waiting += counts.waiting;
    }
    return sum;
  }

  /** Statements answered by a replica and by the primary since start. */
  routing(): { primary: number; replica: number } {
    return { ...this.served };
  }

  override async end(): Promise<void> {
    this.ended = true;
    await Promise.all([super.end(), ...this.replicas.map((replica) => replica.pool.end())]);
  }

  /** On a fresh replica when there is one, else (or when the replica fails) on the primary. */
  private async routed<T>(
    onReplica: (pool: ReadPool) => Promise<T>,
    onPrimary: () => Promise<T>,
  ): Promise<T> {
    const replica = await this.route();
    if (replica) {
      try {
        const result = await onReplica(replica.pool);
        this.served.replica += 1;
        return result;
      } catch (error) {
        if (!this.replicaFault(replica, error)) throw error;
      }
    }
    this.served.primary += 1;
    return onPrimary();
  }

  /** A replica that has replayed `required`, round robin; undefined: the primary answers. */
  private async route(): Promise<Replica | undefined> {
    if (this.resolvedChanges !== this.changes) return undefined;
    const required = this.required;
    let replica = this.freshReplica(required);
    if (!replica) {
      const now = Date.now();
      await Promise.all(this.replicas.filter((r) => r.restUntil <= now).map((r) => r.recheck(now)));
      // A change signalled meanwhile raised the bar: this read may have been sent after it.
      if (this.resolvedChanges !== this.changes) return undefined;
      replica = this.freshReplica(this.required);
    }
    return replica;
  }

  private freshReplica(required: bigint): Replica | undefined {
    const now = Date.now();
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[(this.next + i) % this.replicas.length];
      if (replica.replayed >= required && replica.restUntil <= now) {
        this.next = (this.next + i + 1) % this.replicas.length;
        return replica;
      }
    }
    return undefined;
  }

  /** Something was written: read the primary's position; until then the primary answers. */
  private primaryMoved(): void {
    if (this.ended) return;
    this.changes += 1;
    if (!this.reading) void this.readPrimaryPosition();
  }

  private async readPrimaryPosition(): Promise<void> {
    this.reading = true;
    try {
      while (this.resolvedChanges !== this.changes) {
        const changes = this.changes;
        const [row] = await super.query<{ lsn: string }>(
          `SELECT pg_current_wal_insert_lsn()::text AS lsn`,
          [],
        );
        const lsn = parseLsn(row.lsn);
        if (lsn > this.required) this.required = lsn;
        this.resolvedChanges = changes;
      }
    } catch (error) {
      // Reads stay on the primary; the next change or the retry tries again.
      this.log.warn(`could not read the primary's WAL position: ${String(error)}`);
      setTimeout(() => this.primaryMoved(), REPLICA_REST_MS).unref();
    } finally {
      this.reading = false;
    }
  }

  /** True when the replica failed (not the statement): the primary then answers. */
  private replicaFault(replica: Replica, error: unknown): boolean {
    const code = (error as { code?: unknown }).code;
    // SQL errors of the statement itself (a timeout, bad input) would fail on the primary too;
    // a recovery conflict (40001), a shutdown (57P0x) or a lost connection are the replica's.
    const sqlState =
      typeof code === 'string' && /^[0-9FHPX][0-9A-Z]{4}$/.test(code) ? code : undefined;
    const replicaError =
      sqlState === undefined ||
      sqlState === '40001' ||
      sqlState.startsWith('57P0') ||
      sqlState.startsWith('08');
    if (!replicaError) return false;
    this.rest(replica, error);
    return true;
  }

  private rest(replica: Replica, error: unknown): void {
    replica.restUntil = Date.now() + REPLICA_REST_MS;
    this.log.warn(
      `a read replica is skipped for ${REPLICA_REST_MS / 1000} s: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

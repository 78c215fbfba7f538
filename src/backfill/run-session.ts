import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import {
  releaseAdvisoryLock,
  RUN_LIVENESS_NAMESPACE,
  takeAdvisoryLock,
} from '../database/advisory-locks';
import { acquireRawConnection, RawConnection } from '../database/raw-pg-client';

/**
 * The dedicated connection a run holds from start to finish. On it the run takes its liveness
 * lock (so a run orphaned by a dead process is recognisable) and, for scheduled runs, the
 * scheduler lock was taken before. If the connection dies, the locks are gone: `signal` aborts
 * and the runner stops writing, because another process may now legitimately take over.
 */
export class RunSession {
  readonly runId = randomUUID();
  private readonly controller = new AbortController();
  private readonly onConnectionError = (error: Error): void => {
    this.abort(`lost the database session holding the run's lock (${error.message})`);
  };
  private readonly onConnectionEnd = (): void => {
    this.abort("lost the database session holding the run's lock (connection ended)");
  };
  private released = false;

  private constructor(private readonly connection: RawConnection) {
    connection.client.on('error', this.onConnectionError);
    connection.client.on('end', this.onConnectionEnd);
  }

  /** Opens a connection for a run (or adopts the scheduler's, which already holds its lock). */
  static async open(dataSource: DataSource, adopt?: RawConnection): Promise<RunSession> {
    const session = new RunSession(adopt ?? (await acquireRawConnection(dataSource)));
    await takeAdvisoryLock(session.connection.client, session.livenessLock);
    return session;
  }

  private get livenessLock(): readonly [number, string] {
    return [RUN_LIVENESS_NAMESPACE, this.runId];
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get connectionLost(): boolean {
    return this.signal.aborted && String(this.signal.reason).startsWith('lost');
  }

  abort(reason: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** Drops the liveness lock; the connection itself is released by whoever opened it. */
  async close(releaseConnection: boolean): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.connection.client.removeListener('error', this.onConnectionError);
    this.connection.client.removeListener('end', this.onConnectionEnd);
    await releaseAdvisoryLock(this.connection.client, this.livenessLock);
    if (releaseConnection) await this.connection.release();
  }
}

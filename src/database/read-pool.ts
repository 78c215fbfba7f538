import { createHash } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';

/**
 * Session settings of the bar-read pool, sent in the startup packet (no extra round trip).
 *
 * - `plan_cache_mode=force_generic_plan`: the bar statements run as named prepared statements.
 *   Left to itself, PostgreSQL re-plans a prepared statement on every execution when its
 *   one-off plan looks cheaper than the generic one, and for small pages (`LIMIT 2`) it always
 *   does: ~0.3–0.5 ms of planning per request, more than executing it. Every bar statement is a
 *   keyset walk of the primary-key index whatever the values, so the generic plan is the right
 *   plan; forcing it halved PostgreSQL's CPU per 1-bar request (docs/PERFORMANCE.md).
 * - `default_transaction_read_only=on`: this pool only reads; a write through it fails.
 * - `DateStyle=ISO` and `extra_float_digits=1`: PostgreSQL writes the bars' JSON, and its text
 *   for timestamps and doubles follows these two settings. Pinned here so a database or role
 *   configured otherwise cannot change the API's output (1 is PostgreSQL's default: shortest
 *   text that reads back to the same double).
 */
const READ_SESSION_OPTIONS = [
  '-c plan_cache_mode=force_generic_plan',
  '-c default_transaction_read_only=on',
  '-c DateStyle=ISO,MDY',
  '-c extra_float_digits=1',
].join(' ');

/**
 * The connection pool of the public read path (bars), separate from the TypeORM pool so its
 * sessions can be tuned for that one job without changing how any other query is planned.
 */
export class ReadPool {
  private readonly logger = new Logger('ReadPool');
  private readonly pool: Pool;
  /** SQL text → statement name; a few dozen shapes exist, so this stays small. */
  private readonly names = new Map<string, string>();

  constructor(
    url: string,
    private readonly size: number,
    /** PostgreSQL `statement_timeout` of these sessions (0: none); COPY exports lift it. */
    statementTimeoutMs = 0,
  ) {
    this.pool = new Pool({
      ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
      connectionString: url,
      max: size,
      options: READ_SESSION_OPTIONS,
      application_name: 'market-data-warehouse/read',
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    });
    // An idle connection that dies (database restart) is dropped by the pool; without a
    // listener that 'error' event would end the process.
    this.pool.on('error', (error) => {
      this.logger.warn(`an idle read connection failed and was dropped: ${error.message}`);
    });
  }

  /**
   * Runs a statement as a named prepared statement: each connection parses and plans each
   * statement shape once. The name is derived from the text, so it is stable across connections.
   */
  async prepared<T>(sql: string, params: readonly string[]): Promise<T[]> {
    let name = this.names.get(sql);
    if (name === undefined) {
      name = `mdw_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      this.names.set(sql, name);
    }
    const result = await this.pool.query({ name, text: sql, values: params as string[] });
    return result.rows as T[];
  }

  /** A one-off statement (unnamed: planned for its values). */
  async query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as T[];
  }

  /** A dedicated connection (streaming exports); the caller must release it. */
  connect(): Promise<PoolClient> {
    return this.pool.connect();
  }

  /**
   * Connections a caller could use right now without waiting for another caller: the idle ones
   * plus those the pool may still open. Zero while anybody is queued.
   */
  spare(): number {
    if (this.pool.waitingCount > 0) return 0;
    return this.size - this.pool.totalCount + this.pool.idleCount;
  }

  /** Open connections, idle ones, and callers queued for one (for the metrics). */
  counts(): { total: number; idle: number; waiting: number } {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    };
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}

import type { PoolClient } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';

/**
 * A dedicated connection from the TypeORM pool together with its raw `pg` client.
 *
 * COPY (pg-copy-streams) and session-scoped advisory locks need the driver's client itself, not
 * TypeORM's query wrapper. TypeORM's Postgres query runner resolves `connect()` with exactly that
 * client (kept as `databaseConnection`), so this is the one place that relies on it. Always
 * `release()` the runner when done; the client goes back to the pool.
 */
export interface RawConnection {
  runner: QueryRunner;
  client: PoolClient;
  release(): Promise<void>;
}

export async function acquireRawConnection(dataSource: DataSource): Promise<RawConnection> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  return {
    runner,
    client,
    release: () => runner.release(),
  };
}

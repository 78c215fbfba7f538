import { DataSource } from 'typeorm';

import { ALL_MIGRATIONS } from '../../migrations';
import { AppConfig } from '../config/app-config';
import { ADVISORY_LOCKS, withAdvisoryLock } from './advisory-locks';
import { acquireRawConnection } from './raw-pg-client';

/**
 * The TypeORM DataSource (a `pg` pool). Its sessions run with DATABASE_STATEMENT_TIMEOUT_MS as
 * `statement_timeout`, so a statement nobody waits for any more (its request answered at the
 * deadline) is cancelled by PostgreSQL; `forMigrations` leaves it out, since a migration may
 * rightly run for minutes.
 */
export function buildDataSource(
  url: string,
  config: AppConfig,
  options: { forMigrations?: boolean } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    entities: [],
    logging: false,
    applicationName: 'market-data-warehouse',
    extra: {
      max: config.database.poolSize,
      // Fail fast when the database is unreachable so /ready answers 503 quickly instead of
      // hanging; the pool reconnects on its own once the database is back.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      ...(options.forMigrations ? {} : statementTimeout(config)),
    },
  });
}

/** `pg` connection settings for DATABASE_STATEMENT_TIMEOUT_MS (0: none). */
export function statementTimeout(config: AppConfig): { statement_timeout?: number } {
  const ms = config.database.statementTimeoutMs;
  return ms > 0 ? { statement_timeout: ms } : {};
}

/** Applies pending migrations, one process at a time (an advisory lock on one connection). */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const connection = await acquireRawConnection(dataSource);
  try {
    const result = await withAdvisoryLock(
      connection.client,
      ADVISORY_LOCKS.migrations,
      { wait: true },
      () => dataSource.runMigrations({ transaction: 'each' }),
    );
    return result.acquired ? result.value.map((migration) => migration.name) : [];
  } finally {
    await connection.release();
  }
}

/** Reverts the most recent migration. */
export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await dataSource.undoLastMigration({ transaction: 'each' });
}

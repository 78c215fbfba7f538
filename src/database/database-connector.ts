import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { SeriesChanges } from '../common/series-changes';
import { AppConfig } from '../config/app-config';
import { buildDataSource, runMigrationsLocked } from './data-source';
import { EmbeddedPostgresServer } from './embedded-postgres.server';
import { ReadPool } from './read-pool';
import { ReplicaReadPool } from './replica-read-pool';

/**
 * Owns the connection's life: resolves where the database is (DATABASE_URL, or the embedded
 * server under DATA_DIR), opens the pool, applies migrations, and on shutdown closes the pool
 * before stopping an embedded server this process started.
 */
export class DatabaseConnector {
  private readonly logger = new Logger('Database');
  private embedded: EmbeddedPostgresServer | undefined;
  private dataSource: DataSource | undefined;
  private url: string | undefined;
  private readPool: ReadPool | undefined;

  constructor(private readonly config: AppConfig) {}

  async connect(options: { migrate: boolean }): Promise<DataSource> {
    const url = await this.resolveUrl();
    this.url = url;
    if (options.migrate) await this.migrate(url);
    const dataSource = buildDataSource(url, this.config);
    await dataSource.initialize();
    this.dataSource = dataSource;
    return dataSource;
  }

  /** Migrations run on a short-lived pool of their own, without the statement timeout. */
  private async migrate(url: string): Promise<void> {
    const migrator = buildDataSource(url, this.config, { forMigrations: true });
    await migrator.initialize();
    try {
      const applied = await runMigrationsLocked(migrator);
      if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    } finally {
      await migrator.destroy();
    }
  }

  /**
   * The bar-read pool (opened after `connect`; connects lazily): on the same database, or with
   * DATABASE_READ_URL on its replicas, which need the series-changed signal to stay fresh.
   */
  openReadPool(changes: SeriesChanges | undefined): ReadPool {
    if (!this.url) throw new Error('openReadPool() called before connect()');
    const { readUrls, readPoolSize, statementTimeoutMs } = this.config.database;
    if (readUrls.length > 0 && !changes) {
      throw new Error('DATABASE_READ_URL needs the series-changed signal (SeriesChangesModule)');
    }
    this.readPool ??=
      readUrls.length > 0 && changes
        ? new ReplicaReadPool(this.url, readUrls, readPoolSize, statementTimeoutMs, changes)
        : new ReadPool(this.url, readPoolSize, statementTimeoutMs);
    return this.readPool;
  }

  async close(): Promise<void> {
    await this.readPool?.end();
    this.readPool = undefined;
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
    this.dataSource = undefined;
    if (this.embedded) {
      await this.embedded.stop();
      this.embedded = undefined;
    }
  }

  private async resolveUrl(): Promise<string> {
    if (this.config.database.url) return this.config.database.url;
    this.embedded = new EmbeddedPostgresServer(this.config.database.dataDir);
    const connection = await this.embedded.start();
    this.logger.log(
      connection.owned
        ? `started embedded PostgreSQL on 127.0.0.1:${connection.port} (data in ${this.config.database.dataDir})`
        : `attached to the embedded PostgreSQL already running on 127.0.0.1:${connection.port}`,
    );
    return connection.url;
  }
}

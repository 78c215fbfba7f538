import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { SeriesChanges } from '../common/series-changes';
import { AppConfig } from '../config/app-config';
import { DatabaseConnector } from './database-connector';
import { ReadPool } from './read-pool';

/**
 * Provides the TypeORM DataSource (a `pg` pool) to every module, and the separate read pool of
 * the bar hot path (ReadPool, on DATABASE_READ_URL's replicas when set). Repositories use them for SQL; there is no ORM synchronisation
 * anywhere, only migrations.
 */
@Global()
@Module({
  providers: [
    {
      provide: DatabaseConnector,
      useFactory: (config: AppConfig) => new DatabaseConnector(config),
      inject: [AppConfig],
    },
    {
      provide: DataSource,
      useFactory: (connector: DatabaseConnector, config: AppConfig) =>
        connector.connect({ migrate: config.database.runMigrations }),
      inject: [DatabaseConnector, AppConfig],
    },
    {
      provide: ReadPool,
      // After the DataSource: the database is resolved (and an embedded one running) by then.
      useFactory: (
        connector: DatabaseConnector,
        _dataSource: DataSource,
        changes?: SeriesChanges,
      ) => connector.openReadPool(changes),
      inject: [DatabaseConnector, DataSource, { token: SeriesChanges, optional: true }],
    },
  ],
  exports: [DataSource, ReadPool],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DatabaseConnector) private readonly connector: DatabaseConnector) {}

  /** Runs after the HTTP server has drained, so in-flight requests still had their database. */
  async onApplicationShutdown(): Promise<void> {
    await this.connector.close();
  }
}

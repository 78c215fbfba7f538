import { DynamicModule, Module } from '@nestjs/common';

import { ApiKeysModule } from '../api-keys';
import { BackfillModule } from '../backfill';
import { SeriesChangesModule } from '../common/series-changes';
import { AppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { RetentionModule } from '../retention';
import { SymbolsModule } from '../symbols';
import { ApiKeysCreateCommand } from './api-keys-create.command';
import { ApiKeysListCommand } from './api-keys-list.command';
import { ApiKeysRevokeCommand } from './api-keys-revoke.command';
import { BackfillCommand } from './backfill.command';
import { ImportCsvCommand } from './import-csv.command';
import { MigrateCommand, MigrateRevertCommand } from './migrate.command';
import { RetentionRunCommand } from './retention-run.command';
import { SymbolsAddCommand } from './symbols-add.command';

/**
 * The command line: the same modules as the server, without the HTTP server, the scheduler or
 * request logging. Feature modules contribute their commands here.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule,
        SeriesChangesModule,
        ApiKeysModule,
        BackfillModule,
        RetentionModule,
        SymbolsModule,
      ],
      providers: [
        MigrateCommand,
        MigrateRevertCommand,
        ApiKeysCreateCommand,
        ApiKeysListCommand,
        ApiKeysRevokeCommand,
        BackfillCommand,
        ImportCsvCommand,
        RetentionRunCommand,
        SymbolsAddCommand,
      ],
    };
  }
}

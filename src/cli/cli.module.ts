import { DynamicModule, Module } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { MigrateCommand, MigrateRevertCommand } from './migrate.command';

/**
 * The command line: the same modules as the server, without the HTTP server, the scheduler or
 * request logging. Feature modules contribute their commands here.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [AppConfigModule.forRoot(config), DatabaseModule],
      providers: [MigrateCommand, MigrateRevertCommand],
    };
  }
}

import { DynamicModule, Global, Module } from '@nestjs/common';

import { AppConfig } from './app-config';

/**
 * Makes the validated AppConfig injectable everywhere. The entry points (main.ts, cli.ts, the
 * test harness) build the config first and hand it in, so a bad value stops start-up before any
 * module is constructed.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}

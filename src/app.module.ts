import { DynamicModule, Module } from '@nestjs/common';

import { ApiKeysModule } from './api-keys/api-keys.module';
import { BackfillApiModule } from './backfill/backfill-api.module';
import { BarsModule } from './bars/bars.module';
import { CalendarModule } from './calendar/calendar.module';
import { LoggingModule } from './common/logging.module';
import { SeriesChangesModule } from './common/series-changes';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { CorporateActionsModule } from './corporate-actions/corporate-actions.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { RetentionScheduleModule } from './retention/retention.module';
import { StatusModule } from './status/status.module';
import { SymbolsModule } from './symbols/symbols.module';

/** The HTTP application: every feature module, wired with the validated configuration. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DatabaseModule,
        SeriesChangesModule,
        ApiKeysModule,
        BackfillApiModule,
        BarsModule,
        CalendarModule,
        CorporateActionsModule,
        HealthModule,
        MetricsModule,
        RetentionScheduleModule,
        StatusModule,
        SymbolsModule,
      ],
    };
  }
}

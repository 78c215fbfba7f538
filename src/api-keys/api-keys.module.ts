import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { RateLimitModule } from '../rate-limit';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { LastUsedTracker } from './last-used.tracker';

/**
 * API keys, the X-API-Key guard (global: every route, with rate limiting) and the audit log.
 * Global so any feature module can inject AuditService and ApiKeysService.
 */
@Global()
@Module({
  imports: [RateLimitModule],
  controllers: [ApiKeysController, AuditController],
  providers: [
    ApiKeysRepository,
    ApiKeysService,
    AuditRepository,
    AuditService,
    LastUsedTracker,
    ApiKeyGuard,
    { provide: APP_GUARD, useExisting: ApiKeyGuard },
  ],
  // ApiKeyGuard is exported for routes served outside Nest's pipeline (the bar fast lane).
  exports: [ApiKeysService, AuditService, ApiKeyGuard],
})
export class ApiKeysModule {}

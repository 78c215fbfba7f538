import { Controller, Get, Module, Req } from '@nestjs/common';

import { Public, RequireScopes } from '../../../src/api-keys/require-scopes.decorator';
import type { WarehouseRequest } from '../../../src/common/request-context';

/** Test-only routes under /api: one public, one needing `read`, both echoing the caller. */
@Controller('api/v1/__auth-probe')
class AuthProbeController {
  @Get()
  whoAmI(@Req() request: WarehouseRequest): {
    apiKey: WarehouseRequest['apiKey'] | null;
    ip: string;
  } {
    return { apiKey: request.apiKey ?? null, ip: request.ip };
  }

  @Get('read')
  @RequireScopes('read')
  reader(@Req() request: WarehouseRequest): { apiKeyId: string | undefined } {
    return { apiKeyId: request.apiKey?.id };
  }
}

/** A scoped controller with one handler made public again. */
@RequireScopes('admin')
@Controller('api/v1/__auth-probe-admin')
class AdminAuthProbeController {
  @Get()
  guarded(): { ok: true } {
    return { ok: true };
  }

  @Get('open')
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [AuthProbeController, AdminAuthProbeController] })
export class AuthProbeModule {}

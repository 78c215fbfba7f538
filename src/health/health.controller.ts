import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';

import { ServiceUnavailableError } from '../common/domain-error';
import { DrainState } from './drain-state';
import { ReadinessIndicator } from './readiness.indicator';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessIndicator,
    private readonly drain: DrainState,
  ) {}

  @Get('health')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Liveness: the process answers. Never touches the database.' })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'Ready: the database answers and migrations are applied.' })
  @ApiServiceUnavailableResponse({ description: 'Not ready; problem+json with the failing check.' })
  async readinessProbe(): Promise<{ status: 'ready'; checks: HealthIndicatorResult }> {
    if (this.drain.draining) {
      throw new ServiceUnavailableError('Not ready: the server is shutting down.', {
        checks: { shutdown: { status: 'down', message: 'draining before exit' } },
      });
    }
    try {
      const result = await this.health.check([
        () => this.readiness.database(),
        () => this.readiness.migrations(),
      ]);
      return { status: 'ready', checks: result.details };
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        const details = (error.getResponse() as { details?: HealthIndicatorResult }).details ?? {};
        const failing = Object.entries(details)
          .filter(([, check]) => check.status !== 'up')
          .map(([name]) => name);
        throw new ServiceUnavailableError(`Not ready: ${failing.join(', ')} check failed.`, {
          checks: details,
        });
      }
      throw error;
    }
  }
}

import { Controller, Get, Module, Param } from '@nestjs/common';

/** A test-only route with a path parameter, like /api/v1/historical/:symbol. */
@Controller('__metrics-probe')
class MetricsProbeController {
  @Get('items/:symbol')
  item(@Param('symbol') symbol: string): { symbol: string } {
    return { symbol };
  }

  @Get('boom')
  boom(): never {
    throw new Error('probe failure');
  }
}

@Module({ controllers: [MetricsProbeController] })
export class MetricsProbeModule {}

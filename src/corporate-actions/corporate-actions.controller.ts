import { Controller, Get, Param, UseInterceptors } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';

import { EtagInterceptor } from '../common/etag.interceptor';
import { CorporateActionsService } from './corporate-actions.service';
import { CorporateActionsDto } from './dto/corporate-actions.response';

@ApiTags('corporate-actions')
@UseInterceptors(EtagInterceptor)
@Controller('api/v1/corporate-actions')
export class CorporateActionsController {
  constructor(private readonly actions: CorporateActionsService) {}

  @Get(':symbol')
  @ApiParam({ name: 'symbol', description: 'Ticker, case-insensitive.', example: 'NVDA' })
  @ApiOkResponse({
    type: CorporateActionsDto,
    description:
      'Splits and cash dividends stored for the symbol (what adjusted reads apply), oldest first.',
  })
  @ApiNotFoundResponse({ description: 'Unknown symbol.' })
  one(@Param('symbol') symbol: string): Promise<CorporateActionsDto> {
    return this.actions.get(symbol);
  }
}

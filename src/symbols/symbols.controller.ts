import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';

import { EtagInterceptor } from '../common/etag.interceptor';
import { DetailedSymbolDto, DetailedSymbolListDto, SymbolListDto } from './dto/symbol-response.dto';
import { SymbolsQueryDto } from './dto/symbols-query.dto';
import { SymbolsService } from './symbols.service';

@ApiTags('symbols')
@ApiBadRequestResponse({ description: 'Invalid parameter (problem+json listing every field).' })
@UseInterceptors(EtagInterceptor)
@Controller('api/v1/symbols')
export class SymbolsController {
  constructor(private readonly symbols: SymbolsService) {}

  @Get()
  @ApiOkResponse({ type: SymbolListDto })
  list(@Query() query: SymbolsQueryDto): Promise<SymbolListDto> {
    return this.symbols.list(query);
  }

  @Get('detailed')
  @ApiOkResponse({ type: DetailedSymbolListDto, description: 'With per-timeframe coverage.' })
  detailed(@Query() query: SymbolsQueryDto): Promise<DetailedSymbolListDto> {
    return this.symbols.listDetailed(query);
  }

  @Get(':symbol')
  @ApiParam({ name: 'symbol', example: 'AAPL' })
  @ApiOkResponse({ type: DetailedSymbolDto })
  @ApiNotFoundResponse({ description: 'Unknown symbol.' })
  one(@Param('symbol') symbol: string): Promise<DetailedSymbolDto> {
    return this.symbols.getOne(symbol);
  }
}

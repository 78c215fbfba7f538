import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';

import { AdminApi } from '../api-keys';
import type { WarehouseRequest } from '../common/request-context';
import { AdminCreateSymbolDto } from './dto/admin-create-symbol.dto';
import { AdminSymbolResponse } from './dto/admin-symbol.response';
import { AdminSymbolTimeframesDto } from './dto/admin-symbol-timeframes.dto';
import { AdminUpdateSymbolDto } from './dto/admin-update-symbol.dto';
import { AdminSymbolDetail, SymbolsAdminService } from './symbols-admin.service';

const SYMBOL_PARAM = { name: 'symbol', example: 'AAPL', description: 'case-insensitive' };

@ApiTags('admin: symbols')
@AdminApi()
@Controller('api/v1/admin/symbols')
export class AdminSymbolsController {
  constructor(private readonly symbols: SymbolsAdminService) {}

  @Post()
  @ApiCreatedResponse({ type: AdminSymbolResponse, description: 'now tracked' })
  @ApiBadRequestResponse({ description: 'problem+json listing every invalid field' })
  @ApiConflictResponse({ description: 'problem+json: the symbol is already tracked' })
  create(
    @Body() body: AdminCreateSymbolDto,
    @Req() request: WarehouseRequest,
  ): Promise<AdminSymbolDetail> {
    return this.symbols.create(body, { request });
  }

  @Get(':symbol')
  @ApiParam(SYMBOL_PARAM)
  @ApiOkResponse({
    type: AdminSymbolResponse,
    description: 'active or not, with per-series backfill state',
  })
  @ApiNotFoundResponse({ description: 'problem+json: not tracked' })
  get(@Param('symbol') symbol: string): Promise<AdminSymbolDetail> {
    return this.symbols.get(symbol);
  }

  @Put(':symbol')
  @ApiParam(SYMBOL_PARAM)
  @ApiOkResponse({ type: AdminSymbolResponse })
  @ApiBadRequestResponse({ description: 'problem+json listing every invalid field' })
  @ApiNotFoundResponse({ description: 'problem+json: not tracked' })
  update(
    @Param('symbol') symbol: string,
    @Body() body: AdminUpdateSymbolDto,
    @Req() request: WarehouseRequest,
  ): Promise<AdminSymbolDetail> {
    return this.symbols.update(symbol, body, { request });
  }

  @Put(':symbol/timeframes')
  @ApiParam(SYMBOL_PARAM)
  @ApiOkResponse({ type: AdminSymbolResponse })
  @ApiBadRequestResponse({
    description: 'problem+json: timeframes must be a non-empty subset of 1m, 1d',
  })
  @ApiNotFoundResponse({ description: 'problem+json: not tracked' })
  setTimeframes(
    @Param('symbol') symbol: string,
    @Body() body: AdminSymbolTimeframesDto,
    @Req() request: WarehouseRequest,
  ): Promise<AdminSymbolDetail> {
    return this.symbols.setTimeframes(symbol, body.timeframes, { request });
  }

  @Delete(':symbol')
  @HttpCode(204)
  @ApiParam(SYMBOL_PARAM)
  @ApiNoContentResponse({ description: 'deactivated; its bars are kept' })
  @ApiNotFoundResponse({ description: 'problem+json: not tracked' })
  deactivate(@Param('symbol') symbol: string, @Req() request: WarehouseRequest): Promise<void> {
    return this.symbols.deactivate(symbol, { request });
  }
}

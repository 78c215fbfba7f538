import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';

import { AdminApi } from '../api-keys';
import type { WarehouseRequest } from '../common/request-context';
import { GapRepairDto, GapsQueryDto } from '../quality';
import { GapsService } from '../quality';
import { BackfillAdminService } from './backfill-admin.service';
import { GapPageResponse, RunAcceptedResponse } from './dto/backfill-responses';

/** Lives with backfill (not quality) because repairing a gap is a backfill run. */
@ApiTags('admin: gaps')
@AdminApi()
@Controller('api/v1/admin/gaps')
export class GapsController {
  constructor(
    private readonly gaps: GapsService,
    private readonly admin: BackfillAdminService,
  ) {}

  @Get()
  @ApiOkResponse({
    type: GapPageResponse,
    description: 'one row per missing session, ordered by symbol, timeframe and time',
  })
  @ApiBadRequestResponse({ description: 'problem+json: invalid filter' })
  list(@Query() query: GapsQueryDto): ReturnType<GapsService['list']> {
    return this.gaps.list({
      symbol: query.symbol?.toUpperCase(),
      status: query.status,
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
    });
  }

  @Post('repair')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: RunAcceptedResponse,
    description: 're-fetches every open gap; filled ones become repaired, the rest confirmed_empty',
  })
  @ApiBadRequestResponse({ description: 'problem+json listing every invalid field' })
  repair(@Body() body: GapRepairDto, @Req() request: WarehouseRequest): Promise<{ runId: string }> {
    return this.admin.repair(body?.symbols, request);
  }
}

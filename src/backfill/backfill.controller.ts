import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';

import { AdminApi } from '../api-keys';
import type { WarehouseRequest } from '../common/request-context';
import { BackfillAdminService } from './backfill-admin.service';
import { BackfillRunsService, RunSeriesView, RunView } from './backfill-runs.service';
import { BackfillRequestDto } from './dto/backfill-request.dto';
import { RunAcceptedResponse, RunDetailResponse, RunPageResponse } from './dto/backfill-responses';
import { RunsQueryDto } from './dto/runs-query.dto';

@ApiTags('admin: backfill')
@AdminApi()
@Controller('api/v1/admin/backfill')
export class BackfillController {
  constructor(
    private readonly admin: BackfillAdminService,
    private readonly runs: BackfillRunsService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: RunAcceptedResponse,
    description: 'the run started in the background; follow it at /runs/{runId}',
  })
  @ApiBadRequestResponse({
    description: 'problem+json listing every invalid field (unknown symbols, from after to, …)',
  })
  trigger(
    @Body() body: BackfillRequestDto,
    @Req() request: WarehouseRequest,
  ): Promise<{ runId: string }> {
    return this.admin.trigger(body ?? {}, request);
  }

  @Get('runs')
  @ApiOkResponse({ type: RunPageResponse, description: 'newest first' })
  @ApiBadRequestResponse({ description: 'problem+json: invalid filter' })
  list(@Query() query: RunsQueryDto): ReturnType<BackfillRunsService['list']> {
    return this.runs.list(query);
  }

  @Get('runs/:id')
  @ApiOkResponse({ type: RunDetailResponse, description: 'the run with per-series progress' })
  @ApiNotFoundResponse({ description: 'problem+json: no such run' })
  get(@Param('id') id: string): Promise<RunView & { series: RunSeriesView[] }> {
    return this.runs.get(id);
  }
}

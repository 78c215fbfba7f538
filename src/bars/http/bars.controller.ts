import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { BarsService } from '../bars.service';
import { BarsQueryDto, LatestBarQueryDto, MultiBarsQueryDto } from './bars-query.dto';
import { BarsPageDto, LatestBarDto, MultiBarsPageDto } from './bars-response.dto';
import { sendBarsResponse } from './send-bars-response';

const SYMBOL_PARAM = {
  name: 'symbol',
  description: 'Ticker, case-insensitive: AAPL, BRK.B, X:BTCUSD',
  example: 'AAPL',
};

@ApiTags('historical')
@ApiBadRequestResponse({
  description:
    'Invalid parameter, or one that does not apply: `session=regular|extended` on a symbol ' +
    'that trades around the clock (crypto, forex) or on a daily or longer timeframe ' +
    '(problem+json listing every field and why).',
})
@Controller('api/v1/historical')
export class BarsController {
  constructor(private readonly bars: BarsService) {}

  @Get()
  @ApiOkResponse({ type: MultiBarsPageDto, description: 'Bars of several symbols, one page.' })
  @ApiNotFoundResponse({ description: 'One of the symbols is unknown.' })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match).' })
  async multi(
    @Query() query: MultiBarsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendBarsResponse(request, reply, await this.bars.getMultiBars(query, accept));
  }

  @Get(':symbol/latest')
  @ApiParam(SYMBOL_PARAM)
  @ApiOkResponse({ type: LatestBarDto, description: 'The newest bar (null when none stored).' })
  @ApiNotFoundResponse({ description: 'Unknown symbol.' })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match).' })
  async latest(
    @Param('symbol') symbol: string,
    @Query() query: LatestBarQueryDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendBarsResponse(request, reply, await this.bars.getLatest(symbol, query));
  }

  /**
   * Served by HistoricalFastLane for plainly valid queries (the hot path, outside Nest's
   * pipeline); this handler serves the rest and is what the API documentation describes.
   */
  @Get(':symbol')
  @ApiParam(SYMBOL_PARAM)
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    type: BarsPageDto,
    description: 'One page of bars (JSON) or all of them (CSV).',
  })
  @ApiNotFoundResponse({ description: 'Unknown symbol.' })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match).' })
  async one(
    @Param('symbol') symbol: string,
    @Query() query: BarsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendBarsResponse(request, reply, await this.bars.getBars(symbol, query, accept));
  }
}

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
import { ARROW_STREAM, sendBarsResponse } from './send-bars-response';

/** What an Arrow answer carries besides its body (OpenAPI). */
const ARROW_HEADERS = {
  'X-Next-Cursor': {
    description:
      'Arrow pages (with `limit`): the cursor of the next page, absent on the last one (the ' +
      'body is binary, so it cannot carry `nextCursor`).',
    schema: { type: 'string' },
  },
};

/**
 * Arrow answers (OpenAPI): an IPC stream whose columns are `timestamp` timestamp[ms, UTC],
 * `open`, `high`, `low`, `close`, `volume` float64, `vwap` float64 (nullable), `trades` int64
 * (nullable); with include=quality `qualityScore` float32 and `flags` list<utf8>.
 */
const ARROW_DESCRIPTION =
  `${ARROW_STREAM}: an Apache Arrow IPC stream. Columns: timestamp (timestamp[ms, UTC]), ` +
  'open, high, low, close, volume (float64), vwap (float64, nullable), trades (int64, ' +
  'nullable); with include=quality also qualityScore (float32) and flags (list<utf8>). ' +
  'Schema metadata: symbol (or symbols), timeframe, start, end, adjustment, session.';

const SYMBOL_PARAM = {
  name: 'symbol',
  description: 'Ticker, case-insensitive: AAPL, BRK.B, X:BTCUSD',
  example: 'AAPL',
};

@ApiTags('historical')
@ApiBadRequestResponse({ description: 'Invalid parameter (problem+json listing every field).' })
@Controller('api/v1/historical')
export class BarsController {
  constructor(private readonly bars: BarsService) {}

  @Get()
  @ApiProduces('application/json', ARROW_STREAM)
  @ApiOkResponse({
    type: MultiBarsPageDto,
    description:
      `Bars of several symbols, one page (JSON), or as ${ARROW_DESCRIPTION} ` +
      'Multi-symbol Arrow adds a first column, symbol (dictionary<int32, utf8>), rows ordered by symbol then time.',
    headers: ARROW_HEADERS,
  })
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
  @ApiProduces('application/json', 'text/csv', ARROW_STREAM)
  @ApiOkResponse({
    type: BarsPageDto,
    description: `One page of bars (JSON), all of them (CSV), or as ${ARROW_DESCRIPTION}`,
    headers: ARROW_HEADERS,
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

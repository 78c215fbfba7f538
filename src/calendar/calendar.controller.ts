import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { sendJsonWithEtag } from '../common/http-caching';
import { CalendarService } from './calendar.service';
import { CalendarQueryDto } from './dto/calendar-query.dto';
import { TradingSessionDto } from './dto/trading-session.dto';

@ApiTags('calendar')
@Controller('api/v1/calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get()
  @ApiOkResponse({
    type: TradingSessionDto,
    isArray: true,
    description:
      'Trading sessions in the range, ascending, half days included: the calendar gap detection uses.',
  })
  @ApiBadRequestResponse({
    description: 'Unknown exchange, invalid date, start after end or a range over 10 years.',
  })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match).' })
  sessions(
    @Query() query: CalendarQueryDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): FastifyReply {
    return sendJsonWithEtag(request, reply, this.calendar.getSessions(query));
  }
}

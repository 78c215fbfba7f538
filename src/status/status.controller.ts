import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { StatusDto } from './status.dto';
import { StatusService } from './status.service';

@ApiTags('status')
@Controller('api/v1/status')
export class StatusController {
  constructor(private readonly service: StatusService) {}

  @Get()
  @ApiOkResponse({ type: StatusDto, description: 'Version, uptime, database, data and schedule.' })
  status(): Promise<StatusDto> {
    return this.service.status();
  }
}

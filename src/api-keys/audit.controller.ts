import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { AdminApi } from './admin-api.decorator';
import { AuditEntry, AuditService } from './audit.service';
import { AuditPageResponse } from './dto/audit-entry.response';
import { AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('admin: audit')
@AdminApi()
@Controller('api/v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({
    type: AuditPageResponse,
    description: 'all entries, newest first, keyset-paginated',
  })
  @ApiBadRequestResponse({ description: 'problem+json listing every invalid parameter' })
  list(
    @Query() query: AuditQueryDto,
  ): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    return this.audit.page(query);
  }
}

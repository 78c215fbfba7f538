import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';

import type { WarehouseRequest } from '../common/request-context';
import { AdminApi } from './admin-api.decorator';
import { ApiKeysService, ApiKeyView, ApiKeyWithSecret } from './api-keys.service';
import { AuditEntry } from './audit.service';
import { ApiKeyResponse } from './dto/api-key.response';
import { ApiKeyWithSecretResponse } from './dto/api-key-with-secret.response';
import { AuditPageResponse } from './dto/audit-entry.response';
import { AuditPageQueryDto } from './dto/audit-query.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { UpdateApiKeyDto } from './dto/update-api-key.dto';

@ApiTags('admin: api keys')
@AdminApi()
@Controller('api/v1/admin/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: ApiKeyWithSecretResponse, description: '`key` is shown this once' })
  @ApiBadRequestResponse({ description: 'problem+json listing every invalid field' })
  create(
    @Body() body: CreateApiKeyDto,
    @Req() request: WarehouseRequest,
  ): Promise<ApiKeyWithSecret> {
    return this.keys.createFromRequest(body, request);
  }

  @Get()
  @ApiOkResponse({ type: [ApiKeyResponse] })
  list(): Promise<ApiKeyView[]> {
    return this.keys.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiNotFoundResponse({ description: 'problem+json: no such key' })
  get(@Param('id') id: string): Promise<ApiKeyView> {
    return this.keys.get(id);
  }

  @Put(':id')
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiBadRequestResponse({ description: 'problem+json listing every invalid field' })
  @ApiNotFoundResponse({ description: 'problem+json: no such key' })
  @ApiConflictResponse({ description: 'problem+json: a revoked key cannot be re-activated' })
  update(
    @Param('id') id: string,
    @Body() body: UpdateApiKeyDto,
    @Req() request: WarehouseRequest,
  ): Promise<ApiKeyView> {
    return this.keys.updateFromRequest(id, body, request);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOkResponse({
    type: ApiKeyWithSecretResponse,
    description: 'the new `key`, shown this once; the old one stops working at once',
  })
  @ApiNotFoundResponse({ description: 'problem+json: no such key' })
  @ApiConflictResponse({ description: 'problem+json: the key is revoked' })
  rotate(@Param('id') id: string, @Req() request: WarehouseRequest): Promise<ApiKeyWithSecret> {
    return this.keys.rotate(id, { request });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'revoked; the row and its audit trail stay' })
  @ApiNotFoundResponse({ description: 'problem+json: no such key' })
  async revoke(@Param('id') id: string, @Req() request: WarehouseRequest): Promise<void> {
    await this.keys.revoke(id, { request });
  }

  @Get(':id/audit')
  @ApiOkResponse({ type: AuditPageResponse, description: 'entries about this key, newest first' })
  @ApiBadRequestResponse({ description: 'problem+json listing every invalid parameter' })
  @ApiNotFoundResponse({ description: 'problem+json: no such key' })
  keyAudit(
    @Param('id') id: string,
    @Query() query: AuditPageQueryDto,
  ): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    return this.keys.auditOf(id, query);
  }
}

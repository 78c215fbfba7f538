import { ApiProperty } from '@nestjs/swagger';

export class AuditEntryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'key.created' }) action!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the key the entry is about' })
  apiKeyId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the key that acted' }) actorKeyId!:
    string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'client IP behind the trusted proxies',
  })
  ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'never a key or a hash' })
  details!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEntryResponse] }) entries!: AuditEntryResponse[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'pass as cursor for the next (older) page',
  })
  nextCursor!: string | null;
}

import { ApiProperty } from '@nestjs/swagger';

/** A key as admins see it: never the secret, never its hash. */
export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'mdw_AbCdWxYz', description: 'mdw_ + first 4 + last 4 of the secret' })
  preview!: string;
  @ApiProperty({ enum: ['read', 'admin'], isArray: true }) scopes!: string[];
  @ApiProperty({ description: 'false once deactivated or revoked' }) active!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'coalesced: may lag real use by a few seconds',
  })
  lastUsedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) revokedAt!: string | null;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';

/** Keyset pagination, newest first: pass the previous page's `nextCursor` as `cursor`. */
export class AuditPageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'opaque cursor from the previous page (nextCursor)' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'cursor must be a nextCursor value from a previous page' })
  cursor?: string;
}

export class AuditQueryDto extends AuditPageQueryDto {
  @ApiPropertyOptional({ example: 'key.revoked', description: 'exact action name' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_.-]{0,63}$/, {
    message: 'action must be an action name like key.created',
  })
  action?: string;

  @ApiPropertyOptional({ description: 'entries at or after this instant (ISO-8601 or date)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO-8601 date or date-time' })
  since?: string;

  @ApiPropertyOptional({ description: 'entries at or before this instant (ISO-8601 or date)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO-8601 date or date-time' })
  until?: string;
}

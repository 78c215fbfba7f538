import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, Min, Validate } from 'class-validator';

import { QueryNumber } from '../../common/query-number';
import { TimeParamConstraint } from '../../common/time-param.constraint';

/** Keyset pagination, newest first: pass the previous page's `nextCursor` as `cursor`. */
export class AuditPageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @QueryNumber()
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

  @ApiPropertyOptional({
    description: 'entries at or after this instant (ISO-8601 with its zone) or UTC day',
    example: '2024-01-02T00:00:00Z',
  })
  @IsOptional()
  @IsString()
  @Validate(TimeParamConstraint)
  since?: string;

  @ApiPropertyOptional({
    description: 'entries at or before this instant, or up to the end of this UTC day',
    example: '2024-01-31',
  })
  @IsOptional()
  @IsString()
  @Validate(TimeParamConstraint)
  until?: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

import { QueryNumber } from '../../common/query-number';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../market/symbol';
import { GAP_STATUSES, GapStatus } from '../gaps.repository';

/** Query of `GET /api/v1/admin/gaps`. */
export class GapsQueryDto {
  @ApiPropertyOptional({ example: 'AAPL' })
  @IsOptional()
  @Matches(SYMBOL_PATTERN, { message: `symbol ${SYMBOL_RULE}` })
  symbol?: string;

  @ApiPropertyOptional({ enum: GAP_STATUSES })
  @IsOptional()
  @IsIn(GAP_STATUSES, { message: `status must be one of ${GAP_STATUSES.join(', ')}` })
  status?: GapStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  offset?: number;
}

/** Body of `POST /api/v1/admin/gaps/repair`: optionally only some symbols' open gaps. */
export class GapRepairDto {
  @ApiPropertyOptional({ type: [String], example: ['AAPL'] })
  @IsOptional()
  @IsArray()
  @Matches(SYMBOL_PATTERN, { each: true, message: `each symbol ${SYMBOL_RULE}` })
  symbols?: string[];
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

import { QueryNumber } from '../../common/query-number';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../market/symbol';
import { RUN_STATUSES, RunStatus } from '../backfill-runs.repository';

/** Query of `GET /api/v1/admin/backfill/runs`: newest first, offset pagination. */
export class RunsQueryDto {
  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES, { message: `status must be one of ${RUN_STATUSES.join(', ')}` })
  status?: RunStatus;

  @ApiPropertyOptional({ example: 'AAPL', description: 'runs that included this symbol' })
  @IsOptional()
  @Matches(SYMBOL_PATTERN, { message: `symbol ${SYMBOL_RULE}` })
  symbol?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

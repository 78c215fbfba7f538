import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  Validate,
} from 'class-validator';

import { TimeParamConstraint } from '../../common/time-param.constraint';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../symbols/symbol-format';
import { BASE_TIMEFRAMES } from '../providers/market-data-provider';

/**
 * Body of `POST /api/v1/admin/backfill`; every field is optional: every active symbol, its
 * configured timeframes, each series from its last stored bar up to now.
 */
export class BackfillRequestDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['AAPL', 'X:BTCUSD'],
    description: 'tracked symbols to backfill (case-insensitive); default: every active symbol',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(SYMBOL_PATTERN, { each: true, message: `each symbol ${SYMBOL_RULE}` })
  symbols?: string[];

  @ApiPropertyOptional({
    type: [String],
    enum: BASE_TIMEFRAMES,
    example: ['1d'],
    description: "stored base timeframes; default: each symbol's configured timeframes",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(BASE_TIMEFRAMES, { each: true, message: 'each timeframe must be one of 1m, 1d' })
  timeframes?: ('1m' | '1d')[];

  @ApiPropertyOptional({
    example: '2024-01-02',
    description: "start (date or ISO instant); default: each series' last stored bar",
  })
  @IsOptional()
  @IsString()
  @Validate(TimeParamConstraint)
  from?: string;

  @ApiPropertyOptional({
    example: '2024-06-28',
    description: 'end, inclusive (a date covers its whole UTC day); default: now',
  })
  @IsOptional()
  @IsString()
  @Validate(TimeParamConstraint)
  to?: string;
}

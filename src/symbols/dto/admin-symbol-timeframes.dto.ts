import { ApiProperty } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn } from 'class-validator';

import { BASE_TIMEFRAMES, BaseTimeframe } from '../../market/timeframes';

/** PUT /api/v1/admin/symbols/{symbol}/timeframes: the base timeframes to backfill. */
export class AdminSymbolTimeframesDto {
  @ApiProperty({ enum: BASE_TIMEFRAMES, isArray: true, example: ['1m', '1d'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(BASE_TIMEFRAMES, { each: true, message: 'each value in timeframes must be one of 1m, 1d' })
  timeframes!: BaseTimeframe[];
}

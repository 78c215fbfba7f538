import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

import { ASSET_CLASSES, AssetClass } from '../../market/asset-classes';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../market/symbol';
import { BASE_TIMEFRAMES, BaseTimeframe } from '../../market/timeframes';
import { ISO_DATE, upperCased } from './admin-symbol-fields';

/** POST /api/v1/admin/symbols. Unset fields take defaults from the asset class. */
export class AdminCreateSymbolDto {
  @ApiProperty({
    example: 'AAPL',
    pattern: SYMBOL_PATTERN.source,
    description: 'upper-cased on input',
  })
  @Transform(upperCased)
  @IsString()
  @Matches(SYMBOL_PATTERN, { message: `symbol ${SYMBOL_RULE}` })
  symbol!: string;

  @ApiPropertyOptional({ example: 'Apple Inc.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiProperty({ enum: ASSET_CLASSES })
  @IsIn(ASSET_CLASSES, { message: `assetClass must be one of ${ASSET_CLASSES.join(', ')}` })
  assetClass!: AssetClass;

  @ApiPropertyOptional({ example: 'XNYS', description: 'ISO 10383 MIC; stocks default to XNYS' })
  @IsOptional()
  @Transform(upperCased)
  @IsString()
  @Matches(/^[A-Z0-9]{2,10}$/, { message: 'exchange must be a market identifier code like XNYS' })
  exchange?: string;

  @ApiPropertyOptional({
    example: 'USD',
    description: 'default: USD, or the quote currency of a crypto/forex pair',
  })
  @IsOptional()
  @Transform(upperCased)
  @IsString()
  @Matches(/^[A-Z]{3,5}$/, { message: 'currency must be a currency code like USD' })
  currency?: string;

  @ApiPropertyOptional({
    example: 'America/New_York',
    description: 'IANA zone for daily buckets; default America/New_York (stocks, indices) or UTC',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiProperty({ enum: BASE_TIMEFRAMES, isArray: true, example: ['1d'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(BASE_TIMEFRAMES, { each: true, message: 'each value in timeframes must be one of 1m, 1d' })
  timeframes!: BaseTimeframe[];

  @ApiPropertyOptional({ example: '2020-01-01', description: 'first day to backfill (YYYY-MM-DD)' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'backfillFrom must be a date like 2020-01-01' })
  backfillFrom?: string;
}

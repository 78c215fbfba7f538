import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

import { ASSET_CLASSES, AssetClass } from '../../market/asset-classes';
import { ISO_DATE, upperCased } from './admin-symbol-fields';

/** PUT /api/v1/admin/symbols/{symbol}: metadata and `active`; at least one field. */
export class AdminUpdateSymbolDto {
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200 })
  @ValidateIf((_o, value) => value !== null && value !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string | null;

  @ApiPropertyOptional({ enum: ASSET_CLASSES })
  @IsOptional()
  @IsIn(ASSET_CLASSES, { message: `assetClass must be one of ${ASSET_CLASSES.join(', ')}` })
  assetClass?: AssetClass;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'XNAS' })
  @ValidateIf((_o, value) => value !== null && value !== undefined)
  @Transform(upperCased)
  @IsString()
  @Matches(/^[A-Z0-9]{2,10}$/, { message: 'exchange must be a market identifier code like XNYS' })
  exchange?: string | null;

  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional()
  @Transform(upperCased)
  @IsString()
  @Matches(/^[A-Z]{3,5}$/, { message: 'currency must be a currency code like USD' })
  currency?: string;

  @ApiPropertyOptional({ example: 'America/New_York' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: '2020-01-01' })
  @ValidateIf((_o, value) => value !== null && value !== undefined)
  @Matches(ISO_DATE, { message: 'backfillFrom must be a date like 2020-01-01 or null' })
  backfillFrom?: string | null;

  @ApiPropertyOptional({ description: 'false stops tracking (same as DELETE); true resumes it' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

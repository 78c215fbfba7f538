import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export const ASSET_CLASSES = ['stocks', 'crypto', 'forex', 'indices'] as const;

export class SymbolsQueryDto {
  @ApiPropertyOptional({ enum: ASSET_CLASSES })
  @IsOptional()
  @IsIn(ASSET_CLASSES, { message: `must be one of ${ASSET_CLASSES.join(', ')}` })
  assetClass?: (typeof ASSET_CLASSES)[number];

  @ApiPropertyOptional({ description: 'Symbol prefix or name substring, case-insensitive.' })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  search?: string;

  @ApiPropertyOptional({ type: Boolean, default: true, description: 'false lists inactive ones.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsIn([true, false], { message: 'must be true or false' })
  active?: boolean;
}

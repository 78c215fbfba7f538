import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Response shapes, for the OpenAPI document (the hot path builds these as text). */
export class BarDto {
  @ApiProperty({ example: '2024-01-02T05:00:00.000Z', description: 'Bucket start, UTC.' })
  timestamp!: string;
  @ApiProperty({ example: 187.15 }) open!: number;
  @ApiProperty({ example: 188.44 }) high!: number;
  @ApiProperty({ example: 183.885 }) low!: number;
  @ApiProperty({ example: 185.64 }) close!: number;
  @ApiProperty({ example: 82488674 }) volume!: number;
  @ApiProperty({ example: 185.9465, nullable: true, type: Number }) vwap!: number | null;
  @ApiProperty({ example: 1009074, nullable: true, type: Number }) trades!: number | null;
  @ApiPropertyOptional({ example: 1, description: 'With include=quality (bucket: the minimum).' })
  qualityScore?: number;
  @ApiPropertyOptional({ type: [String], description: 'With include=quality.' })
  flags?: string[];
}

export class BarsPageDto {
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: '1d' }) timeframe!: string;
  @ApiProperty({ example: '2024-01-01T00:00:00.000Z' }) start!: string;
  @ApiProperty({ example: '2024-01-31T23:59:59.999Z', description: 'Inclusive.' }) end!: string;
  @ApiProperty({ example: 2 }) count!: number;
  @ApiProperty({ type: [BarDto] }) bars!: BarDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Non-null exactly when more bars match.',
  })
  nextCursor!: string | null;
}

export class MultiBarsPageDto {
  @ApiProperty({ example: '1d' }) timeframe!: string;
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
  @ApiProperty({ description: 'Bars on this page, all symbols together.' }) count!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/BarDto' } },
    example: { AAPL: [], MSFT: [] },
  })
  bars!: Record<string, BarDto[]>;
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class LatestBarDto {
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: '1d' }) timeframe!: string;
  @ApiProperty({ type: BarDto, nullable: true }) bar!: BarDto | null;
}

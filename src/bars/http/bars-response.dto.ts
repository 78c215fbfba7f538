import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';

import { BAR_FIELDS, BarFieldKind } from '../bar-fields';

/** Response shapes, for the OpenAPI document (the hot path builds these as text). */

/** A bar as the API serves it: the schema is generated from the field table (BAR_FIELDS). */
export class BarDto {
  [field: string]: unknown;
}

const SCHEMA_TYPES: Record<
  BarFieldKind,
  { type: NumberConstructor | StringConstructor | [StringConstructor] }
> = {
  time: { type: String },
  price: { type: Number },
  volume: { type: Number },
  count: { type: Number },
  score: { type: Number },
  labels: { type: [String] },
};

for (const field of BAR_FIELDS) {
  const options: ApiPropertyOptions = {
    ...SCHEMA_TYPES[field.kind],
    example: field.example,
    ...(field.nullable ? { nullable: true } : {}),
    ...(field.description ? { description: field.description } : {}),
  };
  const decorate = field.group === 'bar' ? ApiProperty(options) : ApiPropertyOptional(options);
  decorate(BarDto.prototype, field.name);
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

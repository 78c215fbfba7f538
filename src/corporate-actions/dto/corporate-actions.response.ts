import { ApiProperty } from '@nestjs/swagger';

export class SplitDto {
  @ApiProperty({
    example: '2024-06-10',
    description: 'Exchange-local date from whose pre-market on prices are on the new share basis.',
  })
  executionDate!: string;
  @ApiProperty({ example: 1, description: 'Old shares.' }) splitFrom!: number;
  @ApiProperty({ example: 10, description: 'New shares.' }) splitTo!: number;
  @ApiProperty({
    example: 'forward_split',
    description: 'forward_split, reverse_split or stock_dividend (adjusted like a split).',
  })
  adjustmentType!: string;
}

export class DividendDto {
  @ApiProperty({ example: '2024-06-11' }) exDividendDate!: string;
  @ApiProperty({ example: '2024-06-28', nullable: true, type: String }) payDate!: string | null;
  @ApiProperty({ example: 0.01, description: 'Per share as declared, not split-adjusted.' })
  cashAmount!: number;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({
    example: 'recurring',
    description: 'recurring, special, supplemental, irregular or unknown.',
  })
  type!: string;
  @ApiProperty({ example: '2024-06-11', nullable: true, type: String })
  recordDate!: string | null;
  @ApiProperty({ example: '2024-05-22', nullable: true, type: String })
  declarationDate!: string | null;
  @ApiProperty({
    example: 4,
    nullable: true,
    type: Number,
    description: 'Expected payments a year; 0 for a one-off.',
  })
  frequency!: number | null;
}

export class CorporateActionsDto {
  @ApiProperty({ example: 'NVDA' }) symbol!: string;
  @ApiProperty({ type: [SplitDto], description: 'Oldest first.' }) splits!: SplitDto[];
  @ApiProperty({ type: [DividendDto], description: 'Cash dividends, oldest first.' })
  dividends!: DividendDto[];
}

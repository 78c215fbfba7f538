import { ApiProperty } from '@nestjs/swagger';

export class SymbolDto {
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ example: 'Apple Inc.', nullable: true, type: String }) name!: string | null;
  @ApiProperty({ example: 'stocks' }) assetClass!: string;
  @ApiProperty({ example: 'XNAS', nullable: true, type: String }) exchange!: string | null;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ example: ['1m', '1d'], description: 'Stored base timeframes.' })
  timeframes!: string[];
  @ApiProperty() active!: boolean;
}

export class TimeframeCoverageDto {
  @ApiProperty({ example: '1d' }) timeframe!: string;
  @ApiProperty({ example: 251 }) bars!: number;
  @ApiProperty({ nullable: true, type: String }) firstBarAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastBarAt!: string | null;
  @ApiProperty({ example: 99.6, description: 'Share of bars that passed validation, percent.' })
  validatedPct!: number;
  @ApiProperty({ example: 0 }) openGaps!: number;
}

export class DetailedSymbolDto extends SymbolDto {
  @ApiProperty({ type: [TimeframeCoverageDto] }) coverage!: TimeframeCoverageDto[];
}

export class SymbolListDto {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [SymbolDto] }) symbols!: SymbolDto[];
}

export class DetailedSymbolListDto {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [DetailedSymbolDto] }) symbols!: DetailedSymbolDto[];
}

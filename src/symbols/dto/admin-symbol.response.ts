import { ApiProperty } from '@nestjs/swagger';

export class AdminSeriesRunResponse {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ nullable: true, type: String, example: 'schedule' }) trigger!: string | null;
  @ApiProperty({ example: 'succeeded' }) status!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) from!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) to!: string | null;
  @ApiProperty() barsFetched!: number;
  @ApiProperty() barsWritten!: number;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt!: string | null;
}

export class AdminSeriesStateResponse {
  @ApiProperty({ example: '1d' }) timeframe!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'newest stored bar',
  })
  lastBarAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'fetched up to here',
  })
  coveredTo!: string | null;
  @ApiProperty({
    nullable: true,
    type: AdminSeriesRunResponse,
    description: 'latest run for this series',
  })
  lastRun!: AdminSeriesRunResponse | null;
}

export class AdminSymbolResponse {
  @ApiProperty({ example: 'AAPL' }) symbol!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ enum: ['stocks', 'crypto', 'forex', 'indices'] }) assetClass!: string;
  @ApiProperty({ nullable: true, type: String, example: 'XNYS' }) exchange!: string | null;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ example: 'America/New_York' }) timeZone!: string;
  @ApiProperty({ enum: ['1m', '1d'], isArray: true }) timeframes!: string[];
  @ApiProperty({ nullable: true, type: String, example: '2020-01-01' }) backfillFrom!:
    string | null;
  @ApiProperty({ example: 'polygon' }) source!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: [AdminSeriesStateResponse] }) backfill!: AdminSeriesStateResponse[];
}

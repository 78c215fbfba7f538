import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RunAcceptedResponse {
  @ApiProperty({ format: 'uuid' })
  runId!: string;
}

export class RunProgressResponse {
  @ApiProperty() seriesDone!: number;
  @ApiProperty() seriesTotal!: number;
  @ApiProperty({ description: '0..100' }) percent!: number;
}

export class RunResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['schedule', 'manual', 'cli', 'repair', 'demo'] }) trigger!: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'partial', 'failed', 'interrupted'] })
  status!: string;
  @ApiProperty({ type: [String] }) symbols!: string[];
  @ApiProperty({ type: [String] }) timeframes!: string[];
  @ApiProperty({ nullable: true, type: String, description: 'requested start date, if any' })
  from!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'requested end date, if any' })
  to!: string | null;
  @ApiProperty() barsFetched!: number;
  @ApiProperty() barsWritten!: number;
  @ApiProperty({
    description:
      'bars dropped because their values are impossible (negative volume, a non-finite price); the rest of their page is stored',
  })
  barsRejected!: number;
  @ApiProperty({
    description:
      'warnings recorded on its series: what went wrong without failing one (corporate actions that could not be refreshed while the bars were stored)',
  })
  warnings!: number;
  @ApiProperty({ type: RunProgressResponse }) progress!: RunProgressResponse;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
}

export class RunSeriesResponse {
  @ApiProperty() symbol!: string;
  @ApiProperty({ enum: ['1m', '1d'] }) timeframe!: string;
  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'failed', 'skipped', 'interrupted'] })
  status!: string;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
  @ApiProperty() barsFetched!: number;
  @ApiProperty() barsWritten!: number;
  @ApiProperty({
    description:
      'bars dropped because their values are impossible (negative volume, a non-finite price); the rest of their page is stored',
  })
  barsRejected!: number;
  @ApiProperty() pages!: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'why the series failed' })
  error!: string | null;
  @ApiProperty({
    type: [String],
    description:
      'what went wrong without failing the series, e.g. its corporate actions could not be refreshed (the bars were stored)',
  })
  warnings!: string[];
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
}

export class RunDetailResponse extends RunResponse {
  @ApiProperty({ type: [RunSeriesResponse] }) series!: RunSeriesResponse[];
}

export class RunPageResponse {
  @ApiProperty() count!: number;
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: [RunResponse] }) runs!: RunResponse[];
}

export class GapResponse {
  @ApiProperty() id!: string;
  @ApiProperty() symbol!: string;
  @ApiProperty({ enum: ['1m', '1d'] }) timeframe!: string;
  @ApiProperty({ description: 'session open' }) from!: string;
  @ApiProperty({ description: 'session close' }) to!: string;
  @ApiProperty({ nullable: true, type: Number }) expectedBars!: number | null;
  @ApiProperty({ enum: ['open', 'not_yet_available', 'repaired', 'confirmed_empty'] })
  status!: string;
  @ApiProperty() detectedAt!: string;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
}

export class GapPageResponse {
  @ApiProperty() count!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ type: [GapResponse] }) gaps!: GapResponse[];
}

import { ApiProperty } from '@nestjs/swagger';

class DatabaseStatusDto {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ nullable: true, type: Number, example: 0.42 }) latencyMs!: number | null;
}

class DataStatusDto {
  @ApiProperty({ nullable: true, type: Number }) symbols!: number | null;
  @ApiProperty({ nullable: true, type: Number }) activeSymbols!: number | null;
  @ApiProperty({ nullable: true, type: Number }) bars!: number | null;
  @ApiProperty({ nullable: true, type: String }) latestBarAt!: string | null;
  @ApiProperty({ enum: ['polygon', 'synthetic'] }) source!: 'polygon' | 'synthetic';
}

/** The newest backfill run, as a summary (GET /api/v1/admin/backfill/runs/{id} has it whole). */
class LastRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['schedule', 'manual', 'cli', 'repair', 'demo'] }) trigger!: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'partial', 'failed', 'interrupted'] })
  status!: string;
  @ApiProperty() barsFetched!: number;
  @ApiProperty() barsWritten!: number;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
}

class SchedulerStatusDto {
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ example: '0 2 * * *' }) cron!: string;
  @ApiProperty({ example: 'UTC' }) timezone!: string;
  @ApiProperty({ nullable: true, type: String }) nextRunAt!: string | null;
  @ApiProperty({ nullable: true, type: LastRunDto }) lastRun!: LastRunDto | null;
}

export class StatusDto {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty({ example: '0.1.0' }) version!: string;
  @ApiProperty() uptimeSeconds!: number;
  @ApiProperty({ type: DatabaseStatusDto }) database!: DatabaseStatusDto;
  @ApiProperty({ type: DataStatusDto }) data!: DataStatusDto;
  @ApiProperty({ type: SchedulerStatusDto }) scheduler!: SchedulerStatusDto;
}

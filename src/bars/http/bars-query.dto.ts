import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, Validate } from 'class-validator';

import { QueryNumber } from '../../common/query-number';
import { TimeParamConstraint } from '../../common/time-param.constraint';
import { Adjustment, ADJUSTMENTS } from '../../market/adjustments';
import { Timeframe, TIMEFRAMES } from '../../market/timeframes';

export const SESSIONS = ['all', 'regular', 'extended'] as const;
export const MAX_LIMIT = 50_000;
export const BAR_FORMATS = ['json', 'csv', 'arrow'] as const;
export type BarFormat = (typeof BAR_FORMATS)[number];

const ADJUSTMENT_PROPERTY = {
  enum: ADJUSTMENTS,
  default: 'raw',
  description:
    'Prices and volumes adjusted for corporate actions, computed from raw bars with the splits ' +
    'and dividends stored when the request is served: `split` divides prices and multiplies ' +
    'volume by the ratio of the splits after the bar; `dividend` multiplies prices by ' +
    'Π (1 − dividend / close of the trading day before the ex-date) of the dividends after the ' +
    'bar; `all` both. `vwap` is a price; `trades` is not adjusted. Aggregated timeframes ' +
    'aggregate adjusted base bars.',
};

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** Query parameters shared by the single- and multi-symbol bar endpoints. */
export class BarsQueryDto {
  @ApiPropertyOptional({ enum: TIMEFRAMES, default: '1d' })
  @IsOptional()
  @IsIn(TIMEFRAMES, { message: `must be one of ${TIMEFRAMES.join(', ')}` })
  timeframe?: Timeframe;

  @ApiPropertyOptional({
    description:
      'Date (UTC day) or ISO-8601 instant. Default: 30 days before `end` for intraday timeframes, one year otherwise.',
    example: '2024-01-02',
  })
  @IsOptional()
  @Validate(TimeParamConstraint)
  start?: string;

  @ApiPropertyOptional({
    description:
      'Date (the whole UTC day is included) or ISO-8601 instant (inclusive). Default: now.',
    example: '2024-01-31',
  })
  @IsOptional()
  @Validate(TimeParamConstraint)
  end?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_LIMIT,
    default: 5000,
    description: 'Bars per page (JSON). CSV and Arrow are uncapped unless given.',
  })
  @IsOptional()
  @QueryNumber()
  @IsInt({ message: `must be an integer from 1 to ${MAX_LIMIT}` })
  @Min(1, { message: `must be an integer from 1 to ${MAX_LIMIT}` })
  @Max(MAX_LIMIT, { message: `must be an integer from 1 to ${MAX_LIMIT}` })
  limit?: number;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'must be asc or desc' })
  sort?: 'asc' | 'desc';

  @ApiPropertyOptional({ description: 'Opaque `nextCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({
    enum: BAR_FORMATS,
    default: 'json',
    description:
      '`Accept: text/csv` selects CSV too, `Accept: application/vnd.apache.arrow.stream` Arrow. ' +
      'Arrow is an Apache Arrow IPC stream: a page (with `limit`; the next cursor in the ' +
      '`X-Next-Cursor` header) or, like CSV, every bar of the range streamed when `limit` is not given.',
  })
  @IsOptional()
  @IsIn(BAR_FORMATS, { message: `must be one of ${BAR_FORMATS.join(', ')}` })
  format?: BarFormat;

  @ApiPropertyOptional({ type: Boolean, default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'must be true or false' })
  validatedOnly?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Only bars scoring at least this.' })
  @IsOptional()
  @QueryNumber()
  @Min(0, { message: 'must be a number from 0 to 1' })
  @Max(1, { message: 'must be a number from 0 to 1' })
  minQuality?: number;

  @ApiPropertyOptional({ enum: ['quality'], description: 'Adds `qualityScore` and `flags`.' })
  @IsOptional()
  @IsIn(['quality'], { message: 'must be quality' })
  include?: 'quality';

  @ApiPropertyOptional({ enum: SESSIONS, default: 'all', description: 'Only `all` so far.' })
  @IsOptional()
  @IsIn(SESSIONS, { message: `must be one of ${SESSIONS.join(', ')}` })
  session?: (typeof SESSIONS)[number];

  @ApiPropertyOptional(ADJUSTMENT_PROPERTY)
  @IsOptional()
  @IsIn(ADJUSTMENTS, { message: `must be one of ${ADJUSTMENTS.join(', ')}` })
  adjustment?: Adjustment;
}

export class MultiBarsQueryDto extends BarsQueryDto {
  @ApiPropertyOptional({
    description: 'Comma-separated symbols, at most 100.',
    example: 'AAPL,MSFT',
    required: true,
  })
  @IsString({ message: 'is required: a comma-separated list of up to 100 symbols' })
  @MaxLength(2600)
  symbols!: string;
}

export class LatestBarQueryDto {
  @ApiPropertyOptional({ enum: TIMEFRAMES, default: '1d' })
  @IsOptional()
  @IsIn(TIMEFRAMES, { message: `must be one of ${TIMEFRAMES.join(', ')}` })
  timeframe?: Timeframe;

  @ApiPropertyOptional(ADJUSTMENT_PROPERTY)
  @IsOptional()
  @IsIn(ADJUSTMENTS, { message: `must be one of ${ADJUSTMENTS.join(', ')}` })
  adjustment?: Adjustment;
}

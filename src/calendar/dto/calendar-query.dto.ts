import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Validate } from 'class-validator';

import { TimeParamConstraint } from '../../common/time-param.constraint';

export class CalendarQueryDto {
  @ApiPropertyOptional({
    description: 'Calendar code: XNYS (US equities), 24/7 (crypto), 24/5 (forex). Default XNYS.',
    example: 'XNYS',
  })
  @IsOptional()
  @IsString()
  exchange?: string;

  @ApiPropertyOptional({
    description:
      'First session date (YYYY-MM-DD) or an ISO-8601 instant (its date in the exchange time ' +
      'zone). Default: today.',
    example: '2024-01-01',
  })
  @IsOptional()
  @Validate(TimeParamConstraint)
  start?: string;

  @ApiPropertyOptional({
    description: 'Last session date, inclusive (or an instant). Default: 30 days after start.',
    example: '2024-12-31',
  })
  @IsOptional()
  @Validate(TimeParamConstraint)
  end?: string;
}

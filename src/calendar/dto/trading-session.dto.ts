import { ApiProperty } from '@nestjs/swagger';

export class TradingSessionDto {
  @ApiProperty({ description: 'Session date in the exchange time zone.', example: '2024-07-03' })
  date!: string;

  @ApiProperty({ description: 'Open, ISO-8601 UTC.', example: '2024-07-03T13:30:00.000Z' })
  open!: string;

  @ApiProperty({ description: 'Close, ISO-8601 UTC.', example: '2024-07-03T17:00:00.000Z' })
  close!: string;

  @ApiProperty({ description: 'A half day (early close).', example: true })
  early!: boolean;
}

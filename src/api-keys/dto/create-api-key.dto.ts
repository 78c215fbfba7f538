import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';

import type { ApiScope } from '../../common/request-context';

export const API_SCOPES: ApiScope[] = ['read', 'admin'];

export class CreateApiKeyDto {
  @ApiProperty({ example: 'research notebook', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    enum: API_SCOPES,
    isArray: true,
    example: ['read'],
    description: 'admin implies read',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIn(API_SCOPES, { each: true, message: 'each value in scopes must be one of read, admin' })
  scopes!: ApiScope[];

  @ApiPropertyOptional({
    example: '2027-01-01T00:00:00.000Z',
    description: 'ISO-8601 instant in the future; omitted = never expires',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO-8601 date-time' })
  expiresAt?: string;
}

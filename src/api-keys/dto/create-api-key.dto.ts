import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  Validate,
} from 'class-validator';

import type { ApiScope } from '../../common/request-context';
import { TimeParamConstraint } from '../../common/time-param.constraint';

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
    description:
      'ISO-8601 instant with its zone, or a date (the start of that UTC day), in the future; omitted = never expires',
  })
  @IsOptional()
  @IsString()
  @Validate(TimeParamConstraint)
  expiresAt?: string;
}

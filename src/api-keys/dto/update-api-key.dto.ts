import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  Validate,
  ValidateIf,
} from 'class-validator';

import type { ApiScope } from '../../common/request-context';
import { TimeParamConstraint } from '../../common/time-param.constraint';
import { API_SCOPES } from './create-api-key.dto';

/** Every field optional; at least one must be given. `expiresAt: null` removes the expiry. */
export class UpdateApiKeyDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: API_SCOPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIn(API_SCOPES, { each: true, message: 'each value in scopes must be one of read, admin' })
  scopes?: ApiScope[];

  @ApiPropertyOptional({ description: 'false deactivates the key (reversible, unlike DELETE)' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'ISO-8601 instant with its zone or a date, in the future; null for no expiry',
    example: '2027-01-01T00:00:00Z',
  })
  @ValidateIf((_o, value) => value !== null && value !== undefined)
  @IsString()
  @Validate(TimeParamConstraint)
  expiresAt?: string | null;
}

import { ApiProperty } from '@nestjs/swagger';

import { ApiKeyResponse } from './api-key.response';

/** Create and rotate only: the one time the full key is ever shown. */
export class ApiKeyWithSecretResponse extends ApiKeyResponse {
  @ApiProperty({
    example: 'mdw_0123456789abcdefghijABCDEFGHIJ0123456789a',
    description: 'store it now: it is never shown again',
  })
  key!: string;
}

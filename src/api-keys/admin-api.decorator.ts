import { applyDecorators } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

import { RequireScopes } from './require-scopes.decorator';

/**
 * An admin controller or handler: requires the `admin` scope and documents the X-API-Key header
 * with its 401/403/429 problem responses in the OpenAPI document.
 */
export function AdminApi(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    RequireScopes('admin'),
    ApiSecurity('api-key'),
    ApiUnauthorizedResponse({
      description:
        'problem+json: the X-API-Key header is missing, malformed, unknown, revoked or expired.',
    }),
    ApiForbiddenResponse({ description: 'problem+json: the key lacks the admin scope.' }),
    ApiTooManyRequestsResponse({
      description: 'problem+json: rate limited; Retry-After gives the seconds to wait.',
    }),
  );
}

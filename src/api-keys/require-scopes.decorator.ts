import { SetMetadata } from '@nestjs/common';

import type { ApiScope } from '../common/request-context';

export const REQUIRED_SCOPES = 'mdw:required-scopes';

/**
 * The scopes a route needs (controller or handler level; the handler wins). Routes without it
 * are public: anonymous callers and any valid key may use them. An `admin` key satisfies `read`
 * too: administrators may read everything they manage.
 */
export const RequireScopes = (...scopes: ApiScope[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_SCOPES, scopes);

/** Makes one handler of a scoped controller public again. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPES, []);

/** Whether a key's scopes satisfy every required scope (admin implies read). */
export function scopesSatisfy(
  granted: readonly ApiScope[],
  required: readonly ApiScope[],
): boolean {
  return required.every(
    (scope) => granted.includes(scope) || (scope === 'read' && granted.includes('admin')),
  );
}

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import type { FieldError } from '../common/domain-error';
import { flattenValidationErrors } from '../common/validation';

/**
 * Runs the same class-validator DTO the HTTP API uses on input from elsewhere (the CLI), so both
 * entry points accept and reject exactly the same values. Returns the transformed DTO or the
 * list of invalid fields.
 */
export function validateInput<T extends object>(
  dto: new () => T,
  plain: Record<string, unknown>,
): { value: T; errors: FieldError[] } {
  const defined = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined));
  const value = plainToInstance(dto, defined);
  const errors = validateSync(value, {
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  return { value, errors: flattenValidationErrors(errors) };
}

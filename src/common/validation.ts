import { ValidationError, ValidationPipe } from '@nestjs/common';

import { FieldError, InvalidInputError } from './domain-error';

/**
 * The global validation pipe: DTOs are transformed and validated with class-validator; unknown
 * properties (query or body) are rejected, and every invalid field is listed in `errors[]`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidInputError(flattenValidationErrors(errors)),
  });
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      result.push({
        field,
        message: message.replace(
          /^property \S+ should not exist$/,
          'is unknown: remove it or check its spelling',
        ),
      });
    }
    if (error.children?.length) result.push(...flattenValidationErrors(error.children, field));
  }
  return result;
}

import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

import { isTimeParam } from './time-params';

@ValidatorConstraint({ name: 'timeParam' })
export class TimeParamConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isTimeParam(value);
  }

  defaultMessage(): string {
    return 'must be a real date (YYYY-MM-DD) or an ISO-8601 instant (2024-01-02T14:30:00Z)';
  }
}

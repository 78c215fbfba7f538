import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

import { isTimeParam, TIME_PARAM_RULE } from './time-params';

@ValidatorConstraint({ name: 'timeParam' })
export class TimeParamConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isTimeParam(value);
  }

  defaultMessage(): string {
    return TIME_PARAM_RULE;
  }
}

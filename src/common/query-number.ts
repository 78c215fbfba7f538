import { Transform } from 'class-transformer';

/**
 * A numeric query parameter's text as a number for the validators that follow. Blank text is
 * NaN, which they refuse: `Number(' ')` is 0, so `offset= ` used to pass as 0.
 */
export function QueryNumber(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    return value.trim() === '' ? NaN : Number(value);
  });
}

import { TransformationType } from 'class-transformer';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';

import { BarsQueryDto } from './bars-query.dto';

/** class-transformer's own registry of @Type/@Transform (the package ships no typed entry). */
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: MetadataStorage;
};

/** A query as the fast lane reads it: the DTO's fields, or undefined (hand it to Nest). */
export type QueryReader = (query: unknown) => Record<string, unknown> | undefined;

interface PropertyRule {
  /** class-transformer's conversion of the raw string (`@Type` of a primitive, `@Transform`). */
  convert: (raw: string, object: Record<string, unknown>) => unknown;
  /** `@IsOptional`-style conditions: when one is false the validators are skipped. */
  conditions: ((object: Record<string, unknown>, value: unknown) => boolean)[];
  /** The validators with their constraints, as class-validator runs them. */
  validators: ((value: unknown, object: Record<string, unknown>) => boolean)[];
}

const PRIMITIVES = new Map<unknown, (value: string) => unknown>([
  [Number, Number],
  [String, String],
  [Boolean, Boolean],
]);

/**
 * Derives, from a query DTO's class-validator and class-transformer metadata, a reader that does
 * for a plainly valid query what the global ValidationPipe does (`transform`, `whitelist`,
 * `forbidNonWhitelisted`), without the libraries' per-request machinery: each property's
 * conversion and validators are looked up once here, and a request runs the same conversion and
 * the same validator functions with the same constraints.
 *
 * "Plainly valid": every parameter given once, a known name, a value its validators accept and
 * that reads back unchanged from the converted value (`limit=10`, not `limit=010`). Anything
 * else returns undefined and goes through Nest's pipeline, which owns every error message.
 *
 * Metadata this cannot reproduce exactly (validation groups, `each`, async or nested
 * validation, a `@Type` of a class) makes it throw at start-up instead of guessing: the lane
 * then refuses to serve the route rather than apply different rules.
 */
export function queryReaderFor(dto: new () => object): QueryReader {
  const rules = new Map<string, PropertyRule>();
  const storage = getMetadataStorage();
  const rule = (property: string): PropertyRule => {
    let found = rules.get(property);
    if (!found) {
      found = { convert: converterFor(dto, property), conditions: [], validators: [] };
      rules.set(property, found);
    }
    return found;
  };
  for (const meta of storage.getTargetValidationMetadatas(dto, '', true, false)) {
    const where = `${dto.name}.${meta.propertyName}`;
    if (meta.groups?.length || meta.each) {
      throw new Error(`${where}: validation groups and 'each' are not supported by the fast lane`);
    }
    const target = rule(meta.propertyName);
    if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      const condition = meta.constraints[0] as (object: object, value: unknown) => boolean;
      target.conditions.push((object, value) => condition(object, value));
      continue;
    }
    if (meta.type !== ValidationTypes.CUSTOM_VALIDATION || !meta.constraintCls) {
      throw new Error(`${where}: '${meta.type}' validation is not supported by the fast lane`);
    }
    for (const constraint of storage.getTargetValidatorConstraints(meta.constraintCls)) {
      if (constraint.async) throw new Error(`${where}: async validators are not supported`);
      const instance = constraint.instance;
      target.validators.push((value, object) => {
        const args: ValidationArguments = {
          value,
          constraints: meta.constraints,
          targetName: dto.name,
          object,
          property: meta.propertyName,
        };
        return instance.validate(value, args) === true;
      });
    }
  }

  return (query) => {
    if (typeof query !== 'object' || query === null) return undefined;
    const raw = query as Record<string, unknown>;
    const dtoValues: Record<string, unknown> = {};
    for (const key in raw) {
      const value = raw[key];
      const found = rules.get(key);
      if (found === undefined || typeof value !== 'string') return undefined;
      const converted = found.convert(value, raw);
      if (String(converted) !== value) return undefined; // not its plainest spelling
      dtoValues[key] = converted;
    }
    // Every property, given or not: a required one that is missing fails its validators.
    for (const [key, found] of rules) {
      const value = dtoValues[key];
      if (!found.conditions.every((condition) => condition(dtoValues, value))) continue;
      if (!found.validators.every((validate) => validate(value, dtoValues))) return undefined;
    }
    return dtoValues;
  };
}

/** class-transformer's plainToInstance for one property of a DTO, from its metadata. */
function converterFor(
  dto: new () => object,
  property: string,
): (raw: string, object: Record<string, unknown>) => unknown {
  const type = defaultMetadataStorage.findTypeMetadata(dto, property);
  let typed: (value: string) => unknown = (value) => value;
  if (type) {
    const primitive = PRIMITIVES.get(type.typeFunction());
    if (!primitive) throw new Error(`${dto.name}.${property}: only primitive @Type is supported`);
    typed = primitive;
  }
  const transforms = defaultMetadataStorage.findTransformMetadatas(
    dto,
    property,
    TransformationType.PLAIN_TO_CLASS,
  );
  return (raw, object) =>
    transforms.reduce(
      (value, { transformFn, options }) =>
        transformFn({
          value,
          key: property,
          obj: object,
          type: TransformationType.PLAIN_TO_CLASS,
          options,
        }),
      typed(raw),
    );
}

/** The single-symbol bar query (BarsQueryDto), read for the fast lane. */
export const fastBarsQuery = queryReaderFor(BarsQueryDto);

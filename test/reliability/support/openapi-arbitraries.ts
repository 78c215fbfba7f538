import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** A value and whether it is meant to be refused (so the server must answer 4xx). */
export interface Generated<T> {
  value: T;
  invalid: boolean;
}

export class SchemaArbitraries {
  constructor(private readonly document: OpenApiDocument) {}

  resolve(schema: Schema | undefined): Schema {
    let current = schema ?? {};
    for (let i = 0; current.$ref && i < 10; i++) {
      const name = current.$ref.replace('#/components/schemas/', '');
      current = this.document.components?.schemas?.[name] ?? {};
    }
    if (current.allOf?.length === 1) return this.resolve(current.allOf[0]);
    return current;
  }

  /** Values the schema allows (a best effort: formats and patterns the document states). */
  valid(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    const base = this.validBase(s, depth);
    return s.nullable ? fc.oneof(base, fc.constant(null)) : base;
  }

  private validBase(s: Schema, depth: number): fc.Arbitrary<unknown> {
    if (s.enum?.length) return fc.constantFrom(...s.enum);
    if (s.oneOf?.length || s.anyOf?.length) {
      return fc.oneof(...(s.oneOf ?? s.anyOf)!.map((x) => this.valid(x, depth + 1)));
    }
    switch (s.type) {
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1_000, max: s.maximum ?? 1_000_000 });
      case 'number':
        return fc.double({
          min: s.minimum ?? -1_000,
          max: s.maximum ?? 1_000_000,
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(this.valid(s.items, depth + 1), {
          minLength: s.minItems ?? 0,
          maxLength: Math.min(s.maxItems ?? 4, 4),
        });
      case 'object': {
        if (depth > 4 || !s.properties) return fc.constant({});
        const required = new Set(s.required ?? []);
        const shape = Object.fromEntries(
          Object.entries(s.properties).map(([name, prop]) => [name, this.valid(prop, depth + 1)]),
        );
        return fc.record(shape, { requiredKeys: [...required] });
      }
      default:
        return this.validString(s);
    }
  }

  private validString(s: Schema): fc.Arbitrary<string> {
    const dates = fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2030-12-31T00:00:00Z'),
      noInvalidDate: true,
    });
    if (s.format === 'date-time') return dates.map((d) => d.toISOString());
    if (s.format === 'date') return dates.map((d) => d.toISOString().slice(0, 10));
    if (s.format === 'uuid') return fc.uuid();
    if (s.pattern) {
      return fc.stringMatching(new RegExp(s.pattern)).filter((v) => fits(v, s));
    }
    return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) });
  }

  /**
   * A value the schema refuses, or null when the schema is too permissive to know one (a plain
   * string accepts anything a URL can carry).
   */
  invalid(schema: Schema | undefined): fc.Arbitrary<unknown> | null {
    const s = this.resolve(schema);
    const junk = fc.constantFrom('', 'x'.repeat(300), '-1', '1e309', 'null', '☃', '%00', ' ');
    if (s.enum?.length) return junk.filter((v) => !s.enum!.includes(v));
    switch (s.type) {
      case 'integer':
        return fc.oneof(
          junk.filter((v) => !/^-?\d+$/.test(v) || !inRange(Number(v), s)),
          fc.constant('1.5'),
          fc.constant(String((s.maximum ?? 1e12) + 1)),
        );
      case 'number':
        return junk.filter((v) => !Number.isFinite(Number(v)) || v.trim() === '');
      case 'boolean':
        return fc.constantFrom('maybe', '2', 'yes please', '');
      default:
        if (s.format === 'uuid') return fc.constantFrom('not-a-uuid', '123', '');
        if (s.maxLength !== undefined) return fc.constant('x'.repeat(s.maxLength + 1));
        if (s.pattern) {
          const pattern = new RegExp(s.pattern);
          return junk.filter((v) => !pattern.test(v));
        }
        return null;
    }
  }
}

function fits(value: string, s: Schema): boolean {
  return value.length >= (s.minLength ?? 0) && value.length <= (s.maxLength ?? Infinity);
}

function inRange(value: number, s: Schema): boolean {
  return value >= (s.minimum ?? -Infinity) && value <= (s.maximum ?? Infinity);
}

import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import request from 'supertest';

import { createApiKey } from '../factories/api-keys';
import { insertBars, makeBars } from '../factories/bars';
import { insertSymbols } from '../factories/symbols';
import { startTestApp, TestApp } from '../support/test-app';
import {
  Generated,
  OpenApiDocument,
  Operation,
  Parameter,
  SchemaArbitraries,
} from './support/openapi-arbitraries';
import { LEAK_PATTERN } from './support/problem';

const RUNS_PER_OPERATION = 300;
/**
 * Fixed, so CI runs the same 300 requests per operation every time; set FUZZ_SEED to explore
 * other ones (a failure prints the seed and the request).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 19);
const KNOWN_SYMBOLS = ['AAPL', 'MSFT', 'X:BTCUSD'];

interface FuzzRequest {
  path: string;
  query: Record<string, string>;
  body: Generated<unknown> | undefined;
  auth: 'admin' | 'read' | 'none' | 'wrong';
  invalid: boolean;
}

/**
 * Item 1: every operation of the served OpenAPI document, fuzzed from its own schema with
 * fast-check (300 generated requests per operation, valid and invalid). Never a 5xx; every
 * status is one the document lists for the operation; every body has a documented content type
 * and, for JSON, matches the documented schema; invalid input is a 4xx problem+json.
 */
describe('OpenAPI-driven fuzzing', () => {
  let t: TestApp;
  let document: OpenApiDocument;
  let arbitraries: SchemaArbitraries;
  let ajv: Ajv;
  const keys: Record<'admin' | 'read', string> = { admin: '', read: '' };
  const validators = new Map<object, ValidateFunction>();

  beforeAll(async () => {
    t = await startTestApp({ env: { CACHE_TTL_SECONDS: '0' } });
    keys.admin = (await createApiKey(t.dataSource, { scopes: ['admin'] })).key;
    keys.read = (await createApiKey(t.dataSource, { scopes: ['read'] })).key;
    await insertSymbols(t.dataSource, [
      { symbol: 'AAPL', timeframes: ['1d'] },
      { symbol: 'MSFT', timeframes: ['1d'] },
      { symbol: 'X:BTCUSD', assetClass: 'crypto', timeframes: ['1d'] },
    ]);
    await insertBars(t.dataSource, 'AAPL', '1d', makeBars(Date.UTC(2023, 0, 2), 400, 86_400_000));
    document = (await request(t.url).get('/docs-json').expect(200)).body as OpenApiDocument;
    arbitraries = new SchemaArbitraries(document);
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const components = structuredClone(document.components ?? {});
    nullableRefs(components);
    ajv.addSchema({ components }, 'openapi');
  });

  afterAll(async () => {
    await t?.close();
  });

  function validatorFor(schema: object): ValidateFunction {
    let validate = validators.get(schema);
    if (!validate) {
      const rewritten = JSON.parse(
        JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/'),
      ) as object;
      nullableRefs(rewritten);
      validate = ajv.compile(rewritten);
      validators.set(schema, validate);
    }
    return validate;
  }

  function parameterArbitrary(parameter: Parameter): fc.Arbitrary<Generated<string> | undefined> {
    const valid = (
      parameter.name === 'symbol'
        ? fc.oneof(fc.constantFrom(...KNOWN_SYMBOLS), arbitraries.valid(parameter.schema))
        : arbitraries.valid(parameter.schema)
    ).map((value) => ({ value: String(value), invalid: false }));
    const invalid = arbitraries.invalid(parameter.schema);
    const options: fc.WeightedArbitrary<Generated<string> | undefined>[] = [
      { weight: 6, arbitrary: valid },
    ];
    if (invalid) {
      options.push({
        weight: 2,
        arbitrary: invalid.map((value) => ({ value: String(value), invalid: true })),
      });
    }
    if (!parameter.required) options.push({ weight: 3, arbitrary: fc.constant(undefined) });
    return fc.oneof(...options);
  }

  function requestArbitrary(path: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
    const parameters = (operation.parameters ?? []).filter((p) => p.in !== 'header');
    const parameterValues = fc.tuple(...parameters.map((p) => parameterArbitrary(p)));
    const unknownParameter = fc.option(
      fc.constantFrom('limt', 'symbol_', 'foo', 'debug', 'admin'),
      { freq: 8 },
    );
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
    const body: fc.Arbitrary<Generated<unknown> | undefined> = bodySchema
      ? fc.oneof(
          {
            weight: 6,
            arbitrary: arbitraries.valid(bodySchema).map((value) => ({ value, invalid: false })),
          },
          {
            weight: 1,
            arbitrary: fc
              .oneof(fc.constant([]), fc.constant('text'), fc.constant(42), fc.constant(null))
              .map((value) => ({ value, invalid: true })),
          },
          {
            weight: 1,
            arbitrary: fc
              .dictionary(
                fc.string({ minLength: 1, maxLength: 12 }),
                fc.jsonValue({ maxDepth: 2 }),
                {
                  minKeys: 1,
                  maxKeys: 5,
                },
              )
              .map((value) => ({ value, invalid: false })),
          },
        )
      : fc.constant(undefined);
    const auth = operation.security?.length
      ? fc.constantFrom<FuzzRequest['auth']>(
          'admin',
          'admin',
          'admin',
          'admin',
          'none',
          'wrong',
          'read',
        )
      : fc.constantFrom<FuzzRequest['auth']>('none', 'none', 'none', 'read', 'wrong');
    return fc.record({ parameterValues, unknownParameter, body, auth }).map((drawn) => {
      let url = path;
      const query: Record<string, string> = {};
      let invalid = drawn.body?.invalid ?? false;
      parameters.forEach((parameter, i) => {
        const value = drawn.parameterValues[i];
        if (value === undefined) return;
        invalid ||= value.invalid;
        if (parameter.in === 'path') {
          url = url.replace(`{${parameter.name}}`, encodeURIComponent(value.value));
        } else {
          query[parameter.name] = value.value;
        }
      });
      // Unknown query parameters are refused under /api (the probes outside it take none).
      if (drawn.unknownParameter !== null && path.startsWith('/api/')) {
        query[drawn.unknownParameter] = '1';
        invalid = true;
      }
      return { path: url, query, body: drawn.body, auth: drawn.auth, invalid };
    });
  }

  async function send(method: string, fuzz: FuzzRequest): Promise<request.Response> {
    const agent = request(t.url) as unknown as Record<string, (url: string) => request.Test>;
    const start = agent[method].bind(agent);
    let req = start(fuzz.path)
      .query(fuzz.query)
      .buffer(true)
      .parse((res, callback) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => callback(null, text));
      });
    if (fuzz.auth === 'admin' || fuzz.auth === 'read') req = req.set('X-API-Key', keys[fuzz.auth]);
    if (fuzz.auth === 'wrong') req = req.set('X-API-Key', 'mdw_wrong_key_for_fuzzing');
    if (fuzz.body !== undefined) {
      req = req.set('Content-Type', 'application/json').send(JSON.stringify(fuzz.body.value));
    }
    return req;
  }

  function check(operation: Operation, fuzz: FuzzRequest, res: request.Response): void {
    const where = `${res.status} for ${JSON.stringify(fuzz)}: ${String(res.body).slice(0, 300)}`;
    if (res.status >= 500) throw new Error(`5xx: ${where}`);
    const documented =
      operation.responses[String(res.status)] ??
      operation.responses[`${String(res.status)[0]}XX`] ??
      operation.responses.default;
    if (!documented) throw new Error(`undocumented status: ${where}`);
    const mediaType = String(res.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    const text = String(res.body ?? '');
    if (res.status >= 400) {
      if (mediaType !== 'application/problem+json') throw new Error(`not problem+json: ${where}`);
      const problem = JSON.parse(text) as Record<string, unknown>;
      if (problem.status !== res.status || typeof problem.detail !== 'string') {
        throw new Error(`malformed problem: ${where}`);
      }
      if (LEAK_PATTERN.test(text)) throw new Error(`leak: ${where}`);
    } else if (fuzz.invalid) {
      throw new Error(`invalid input accepted: ${where}`);
    }
    if (res.status === 204 || res.status === 304 || !documented.content) return;
    const key = Object.keys(documented.content).find(
      (type) => type.split(';')[0].trim() === mediaType,
    );
    const content = key === undefined ? undefined : documented.content[key];
    if (!content) throw new Error(`undocumented content type ${mediaType}: ${where}`);
    if (!mediaType.endsWith('json') || !content.schema) return;
    const validate = validatorFor(content.schema);
    if (!validate(JSON.parse(text))) {
      throw new Error(
        `body does not match the schema (${ajv.errorsText(validate.errors)}): ${where}`,
      );
    }
  }

  it('serves a document with operations to fuzz', () => {
    expect(Object.keys(document.paths).length).toBeGreaterThan(10);
  });

  const operations = (): [string, string][] =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => [method, path] as [string, string]),
    );

  it('answers every generated request of every operation as documented', async () => {
    const failures: string[] = [];
    let total = 0;
    for (const [method, path] of operations()) {
      const operation = document.paths[path][method];
      const result = await fc.check(
        fc.asyncProperty(requestArbitrary(path, operation), async (fuzz) => {
          total += 1;
          check(operation, fuzz, await send(method, fuzz));
        }),
        { numRuns: RUNS_PER_OPERATION, endOnFailure: true, seed: SEED },
      );
      if (result.failed) {
        failures.push(`${method.toUpperCase()} ${path}: ${String(result.errorInstance)}`);
      }
    }
    process.stdout.write(`openapi fuzz: ${operations().length} operations, ${total} requests\n`);
    expect(failures).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(operations().length * RUNS_PER_OPERATION);
  });
});

/**
 * `{ nullable: true, allOf: [{ $ref }] }` (or `{ $ref, nullable: true }`) is how @nestjs/swagger
 * writes a nullable object property. Strictly, OpenAPI 3.0's `nullable` does not reach into
 * `allOf`/`$ref`, so null would not match; the intent is plain and tools such as Swagger UI honour
 * it, so it is read here as "that object or null".
 */
function nullableRefs(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) nullableRefs(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  for (const value of Object.values(record)) nullableRefs(value);
  if (record.nullable !== true) return;
  if (typeof record.$ref === 'string') {
    record.anyOf = [{ $ref: record.$ref }, { type: 'null' }];
    delete record.$ref;
    delete record.nullable;
  } else if (Array.isArray(record.allOf)) {
    record.anyOf = [{ allOf: record.allOf }, { type: 'null' }];
    delete record.allOf;
    delete record.type;
    delete record.nullable;
  }
}

import type { FastifyInstance } from 'fastify';

import { DomainError, InvalidInputError } from './domain-error';

/** Deepest nesting of objects and arrays a request body may have; real bodies use 2 or 3. */
export const JSON_MAX_DEPTH = 32;
/** Most object members (keys, counted over the whole body) a request body may have. */
export const JSON_MAX_KEYS = 1_000;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/**
 * Why a JSON text is too deep or has too many keys to be parsed, or null when it is within the
 * limits. One linear pass over the text, before JSON.parse: the parser recurses per level (50,000
 * levels overflow its stack) and every key becomes work for validation, so both are refused
 * before either runs. Malformed text is left for JSON.parse to reject.
 */
export function jsonLimitProblem(text: string): string | null {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > JSON_MAX_DEPTH) {
        return `nests objects and arrays deeper than ${JSON_MAX_DEPTH} levels`;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === COLON && ++keys > JSON_MAX_KEYS) {
      return `has more than ${JSON_MAX_KEYS} object keys`;
    }
  }
  return null;
}

const NOT_JSON = (): DomainError =>
  new DomainError('invalid-body', 400, 'The request body is not valid JSON.');
const EMPTY_BODY = (): DomainError =>
  new DomainError('invalid-body', 400, 'The request declares a JSON body but sent none.');

/**
 * The only request-body parser: application/json within BODY_LIMIT_BYTES, JSON_MAX_DEPTH and
 * JSON_MAX_KEYS, parsed by Fastify's own parser (which refuses `__proto__`/`constructor`
 * poisoning). Every other content type, text/plain and form bodies included, is a 415.
 */
export function installJsonBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit },
    (request, body: string, done) => {
      const problem = jsonLimitProblem(body);
      if (problem) {
        done(
          new InvalidInputError(
            [{ field: 'body', message: problem }],
            `The request body ${problem}.`,
          ),
          undefined,
        );
        return;
      }
      // Fastify's own errors would reach the filter as bare messages (Nest maps them to
      // HttpException); these say the same in the API's words.
      void parse(request, body, (error, value) => {
        if (!error) done(null, value);
        else if ((error as { code?: string }).code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
          done(EMPTY_BODY(), undefined);
        else done(NOT_JSON(), undefined);
      });
    },
  );
}

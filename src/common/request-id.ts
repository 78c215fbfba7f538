import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A client-sent id is echoed only when it is at most 128 safe characters. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: echo a safe `X-Request-Id` from the client or make a new one. The id is
 * also put on the raw request so the pino-http logger (which sees the raw request) logs the same.
 */
export function requestIdFor(raw: IncomingMessage): string {
  const sent = raw.headers['x-request-id'];
  const candidate = Array.isArray(sent) ? sent[0] : sent;
  const id = candidate && SAFE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
}

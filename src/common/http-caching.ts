import { hash } from 'node:crypto';

import type { FastifyReply, FastifyRequest } from 'fastify';

/** True when the request's If-None-Match names this ETag (weak comparison, RFC 9110 13.1.2). */
export function matchesIfNoneMatch(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

/**
 * Sends a pre-serialised JSON body with its validators, or a bodiless 304 when the client
 * already holds it. The body is sent as a string or Buffer with the content type set, so Fastify
 * forwards it without serialising again.
 */
export function sendJsonWithEtag(
  request: FastifyRequest,
  reply: FastifyReply,
  response: { body: string | Buffer; etag: string; cacheControl: string },
): FastifyReply {
  reply.header('etag', response.etag).header('cache-control', response.cacheControl);
  reply.header('vary', 'Accept, Accept-Encoding');
  if (matchesIfNoneMatch(request, response.etag)) return reply.status(304).send();
  return reply.header('content-type', 'application/json; charset=utf-8').send(response.body);
}

/** Weak validator: compression changes the bytes on the wire, not the representation. */
export function etagOf(body: string | Buffer): string {
  // crypto.hash is the one-shot form: no Hash object per call (about 2 µs less per response).
  return `W/"${hash('sha1', body, 'base64url')}"`;
}

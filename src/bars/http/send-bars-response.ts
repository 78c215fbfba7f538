import type { FastifyReply, FastifyRequest } from 'fastify';

import { matchesIfNoneMatch } from '../../common/http-caching';
import type { BarsResponse } from '../bars.service';

/** The media type of an Arrow IPC stream (IANA). */
export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/**
 * Sends a bar response with its validators, or a bodiless 304 when the client already holds it.
 * Bodies are bytes or a stream of bytes with the content type set, so Fastify forwards them
 * without serialising again.
 */
export async function sendBarsResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  response: BarsResponse,
): Promise<FastifyReply> {
  const body = response.kind === 'json' ? response.body : undefined;
  const close = (): void => {
    // A streamed page's COPY ends with it (its connection is closed, see copyOut).
    if (body && !Buffer.isBuffer(body)) body.destroy();
  };
  if (reply.sent) {
    // Answered already (the request deadline passed): send nothing.
    close();
    return reply;
  }
  reply.header('etag', response.etag).header('cache-control', response.cacheControl);
  reply.header('vary', 'Accept, Accept-Encoding');
  if (matchesIfNoneMatch(request, response.etag)) {
    close();
    return reply.status(304).send();
  }
  if (response.kind === 'json') {
    return reply.header('content-type', 'application/json; charset=utf-8').send(response.body);
  }
  const stream = await response.open();
  if (reply.sent) {
    if (!Buffer.isBuffer(stream)) stream.destroy();
    return reply;
  }
  if (response.kind === 'arrow') {
    // Not compressed: the type is not a compressible one, and Arrow's own buffers are binary.
    if (response.nextCursor) reply.header('x-next-cursor', response.nextCursor);
    return reply.header('content-type', ARROW_STREAM).send(stream);
  }
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `inline; filename="${response.filename}"`)
    .send(stream);
}

import type { FastifyReply, FastifyRequest } from 'fastify';

import { matchesIfNoneMatch, sendJsonWithEtag } from '../common/http-caching';
import type { BarsResponse } from './bars.service';

/** Sends a bar page (pre-built or streamed JSON with its ETag, or a CSV stream) on a reply. */
export function sendBarsResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  response: BarsResponse,
): FastifyReply {
  if (reply.sent) {
    // Answered already (the request deadline passed): close the page's COPY, send nothing.
    if (response.kind !== 'json') response.stream.destroy();
    return reply;
  }
  if (response.kind === 'json') return sendJsonWithEtag(request, reply, response);
  if (response.kind === 'json-stream') {
    reply.header('etag', response.etag).header('cache-control', response.cacheControl);
    reply.header('vary', 'Accept, Accept-Encoding');
    if (matchesIfNoneMatch(request, response.etag)) {
      response.stream.destroy(); // ends the page's COPY (its connection is closed, see copyOut)
      return reply.status(304).send();
    }
    return reply.header('content-type', 'application/json; charset=utf-8').send(response.stream);
  }
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `inline; filename="${response.filename}"`)
    .header('cache-control', response.cacheControl)
    .header('vary', 'Accept, Accept-Encoding')
    .send(response.stream);
}

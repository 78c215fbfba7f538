import type { FastifyReply, FastifyRequest } from 'fastify';

import { sendJsonWithEtag } from '../common/http-caching';
import type { BarsResponse } from './bars.service';

/** Sends a bar page (pre-built JSON with its ETag, or a CSV stream) on a Fastify reply. */
export function sendBarsResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  response: BarsResponse,
): FastifyReply {
  if (response.kind === 'json') return sendJsonWithEtag(request, reply, response);
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `inline; filename="${response.filename}"`)
    .header('cache-control', response.cacheControl)
    .header('vary', 'Accept, Accept-Encoding')
    .send(response.stream);
}

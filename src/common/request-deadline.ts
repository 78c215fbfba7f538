import type { FastifyInstance } from 'fastify';

import { DeadlineExceededError } from './infrastructure-errors';
import { replyWithProblem } from './problem-details.filter';

/**
 * Every request gets a deadline: if no response has started when it passes, the client gets a
 * 504 problem+json at once, whatever the handler is still waiting for (a slow database, a pool
 * with no free connection). The handler's late answer is dropped by Fastify (`reply.sent`);
 * the database side of the same work is bounded by DATABASE_STATEMENT_TIMEOUT_MS. A response
 * that has started streaming (a CSV export) is past the deadline's reach and runs to its end.
 */
export function installRequestDeadline(fastify: FastifyInstance, deadlineMs: number): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const timer = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent) return;
      replyWithProblem(new DeadlineExceededError(deadlineMs), request, reply);
    }, deadlineMs);
    // 'close' follows both a finished response and a client that went away.
    reply.raw.once('close', () => clearTimeout(timer));
    done();
  });
}

import type { IncomingMessage, Server } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';

import type { FastifyInstance } from 'fastify';

/**
 * How long connections the server already accepted may still send their request once the
 * listener is closed. Node's `server.close()` ends every connection without a request in progress
 * at once — including one accepted a moment ago whose request is still on its way, whose client
 * then sees a reset although nothing was refused. A fraction of a second covers a request in
 * flight on any reasonable link.
 */
export const ACCEPTED_CONNECTION_GRACE_MS = 500;
/** How often connections left idle by a finished response are ended while the server closes. */
const IDLE_SWEEP_MS = 50;

/**
 * Closes the HTTP server in an order that fails no accepted request: stop accepting, give
 * connections that have not sent a request yet `graceMs` to send it, then end idle connections — again as each
 * in-flight response completes, since a keep-alive response leaves its connection idle — until
 * none is left. Runs as Fastify's `preClose` step, so Fastify's own `server.close()` afterwards
 * finds nothing to do. (During a SIGTERM drain responses say `Connection: close` anyway.)
 */
export function installGracefulClose(
  fastify: FastifyInstance,
  graceMs = ACCEPTED_CONNECTION_GRACE_MS,
): void {
  const server: Server = fastify.server;
  const open = new Set<Socket>();
  const used = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (request: IncomingMessage) => used.add(request.socket));
  fastify.addHook('preClose', async () => {
    if (!server.listening) return;
    // net.Server's close only stops accepting; http.Server's would also end idle connections.
    const closed = new Promise<void>((resolve) => {
      NetServer.prototype.close.call(server, () => resolve());
    });
    if ([...open].some((socket) => !used.has(socket))) {
      await new Promise((resolve) => setTimeout(resolve, graceMs));
    }
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
    }
  });
}

import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';

/** Only the path is logged: query strings can carry tokens a caller should not have put there. */
export const pathOf = (url: string): string => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

/** One line per finished request (health probes excepted: they would drown the rest). */
export function registerRequestLogging(fastify: FastifyInstance, log: PinoLogger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = pathOf(request.url);
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    if (!path.startsWith('/health/') && log.isLevelEnabled(level)) {
      log[level](
        {
          requestId: request.id,
          req: { method: request.method, path },
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    }
    done();
  });
  // A client that hangs up before the answer gets no 'finish', so no line above: this is its line.
  fastify.addHook('onRequestAbort', (request, done) => {
    const path = pathOf(request.url);
    if (!path.startsWith('/health/') && log.isLevelEnabled('info')) {
      log.info({ requestId: request.id, req: { method: request.method, path }, aborted: true }, 'request aborted by the client');
    }
    done();
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';

/** Only the path is logged: query strings can carry tokens a caller should not have put there. */
export const pathOf = (url: string): string => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

/** Path parameters that name a person: a visitor search's user id says whom someone looked for. */
const PERSONAL_PARAMETERS: ReadonlySet<string> = new Set([':userId']);

/**
 * The path as logged: without its query, and with every segment the route's template names a
 * personal parameter replaced (`/api/verification/visitors/[redacted]/conversations`).
 */
export function loggedPath(request: Pick<FastifyRequest, 'url' | 'routeOptions'>): string {
  const path = pathOf(request.url);
  const template = request.routeOptions?.url;
  if (template === undefined || !template.includes(':')) return path;
  const names = template.split('/');
  if (!names.some((name) => PERSONAL_PARAMETERS.has(name))) return path;
  return path
    .split('/')
    .map((segment, index) => (PERSONAL_PARAMETERS.has(names[index] ?? '') ? '[redacted]' : segment))
    .join('/');
}

/** One line per finished request (health probes excepted: they would drown the rest). */
export function registerRequestLogging(fastify: FastifyInstance, log: PinoLogger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = loggedPath(request);
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
}

/**
 * The line of a request whose client hung up before its answer was written: such a response
 * never finishes, so it gets no 'request completed'. Called where the answer is written (Fastify's
 * onRequestAbort would do it too, but its per-request 'close' listener cost a fifth of the
 * config endpoint's throughput and doubled its p99, measured paired).
 */
export function logAbortedRequest(log: PinoLogger, request: FastifyRequest, reply: FastifyReply): void {
  const path = loggedPath(request);
  if (!path.startsWith('/health/') && log.isLevelEnabled('info')) {
    log.info({ requestId: request.id, req: { method: request.method, path }, aborted: true, responseTime: Math.round(reply.elapsedTime) }, 'request aborted by the client');
  }
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
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

/**
 * One line per finished request, and one per request whose client hung up before its answer
 * (such a response never finishes, so it gets no 'request completed'); health probes excepted:
 * they would drown the rest.
 */
export function registerRequestLogging(fastify: FastifyInstance, log: PinoLogger): void {
  fastify.addHook('onRequestAbort', (request, done) => {
    const path = loggedPath(request);
    if (!path.startsWith('/health/') && log.isLevelEnabled('info')) {
      log.info(
        { requestId: request.id, req: { method: request.method, path }, aborted: true },
        'request aborted by the client',
      );
    }
    done();
  });
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

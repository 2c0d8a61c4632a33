import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';

/** What every log line written while serving a request says about it. */
interface RequestContext {
  requestId: string;
}

/**
 * The request being served, for log lines written deep inside it (a Genesys retry, a token
 * refresh, a Redis outage warning) that never see the request. A cost, kept for what it gives:
 * on Node 24 the config endpoint serves 0.95× as much with it (bench row "config, memory
 * store"; paired at once on one core: docs/performance.md).
 */
const requestContext = new AsyncLocalStorage<RequestContext>();

/** Runs the rest of each request inside its context. */
export function registerRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => requestContext.run({ requestId: request.id }, done));
}

/** Pino's mixin: the request id of the request being served, if any; a line's own `requestId` wins. */
export function requestIdOfCurrentRequest(): Partial<RequestContext> {
  const context = requestContext.getStore();
  return context ? { requestId: context.requestId } : {};
}

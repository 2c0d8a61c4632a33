import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from './service-metrics';

/** One observation per answered request: the route's template (never the path a caller chose), method and status. */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: ServiceMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AnalyticsRequestError, JOB_RETENTION_MS, type DetailsQuery } from './analytics';
import { toAnalyticsConversation } from './conversation-views';
import type { EmulatedPlatform } from './emulator-platform';
import type { EmulatorRoute } from './fault-injector';
import { PLATFORM_ERRORS, sendPlatformError } from './platform-error';
import { routeKey } from './platform-gate';

function detailsQuery(request: FastifyRequest): DetailsQuery {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AnalyticsRequestError('the body must be a JSON object');
  return body as DetailsQuery;
}

/** The conversation details query and the asynchronous details jobs (submit, state, paged results). */
export function registerAnalyticsRoutes(
  app: FastifyInstance,
  platform: EmulatedPlatform,
  gate: preHandlerAsyncHookHandler,
): void {
  const { analytics } = platform;
  const analyticsRoute = (
    method: 'GET' | 'POST' | 'DELETE',
    route: EmulatorRoute,
    url: string,
    handle: (request: FastifyRequest, reply: FastifyReply) => unknown,
  ) =>
    app.route({
      method,
      url,
      config: routeKey(route),
      preHandler: gate,
      handler: async (request, reply) => {
        try {
          return await handle(request, reply);
        } catch (error) {
          if (error instanceof AnalyticsRequestError)
            return sendPlatformError(reply, PLATFORM_ERRORS.badRequest(error.message));
          throw error;
        }
      },
    });
  const jobOf = (request: FastifyRequest) => analytics.job((request.params as { jobId: string }).jobId);

  analyticsRoute('POST', 'analytics.details.query', '/api/v2/analytics/conversations/details/query', (request) => {
    const { conversations, totalHits } = analytics.query(detailsQuery(request));
    return conversations.length > 0
      ? { conversations: conversations.map((c) => toAnalyticsConversation(c, false)), totalHits }
      : { totalHits };
  });

  analyticsRoute('POST', 'analytics.jobs.create', '/api/v2/analytics/conversations/details/jobs', (request, reply) =>
    reply.code(202).send({ jobId: analytics.submit(detailsQuery(request)).id }),
  );

  // Registered before the job routes' parameter; Fastify prefers the static segment anyway.
  analyticsRoute(
    'GET',
    'analytics.jobs.availability',
    '/api/v2/analytics/conversations/details/jobs/availability',
    () => ({
      dataAvailabilityDate: new Date(analytics.dataAvailabilityDate()).toISOString(),
    }),
  );

  analyticsRoute(
    'GET',
    'analytics.jobs.get',
    '/api/v2/analytics/conversations/details/jobs/:jobId',
    (request, reply) => {
      const job = jobOf(request);
      if (!job) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
      const state = analytics.state(job);
      const completedAt =
        job.ended?.at ??
        (state === 'FULFILLED' || state === 'EXPIRED' ? job.submittedAt + analytics.jobDelayMs : undefined);
      return {
        state,
        submissionDate: new Date(job.submittedAt).toISOString(),
        ...(completedAt === undefined ? {} : { completionDate: new Date(completedAt).toISOString() }),
        ...(job.ended?.errorMessage ? { errorMessage: job.ended.errorMessage } : {}),
        expirationDate: new Date(job.submittedAt + JOB_RETENTION_MS).toISOString(),
      };
    },
  );

  analyticsRoute(
    'DELETE',
    'analytics.jobs.delete',
    '/api/v2/analytics/conversations/details/jobs/:jobId',
    (request, reply) => {
      const job = jobOf(request);
      if (!job) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
      analytics.cancel(job);
      return reply.code(204).send();
    },
  );

  analyticsRoute(
    'GET',
    'analytics.jobs.results',
    '/api/v2/analytics/conversations/details/jobs/:jobId/results',
    (request, reply) => {
      const job = jobOf(request);
      if (!job) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
      if (analytics.state(job) !== 'FULFILLED')
        throw new AnalyticsRequestError(`the job is ${analytics.state(job)}, not FULFILLED; poll its state first`);
      const query = request.query as { cursor?: string; pageSize?: string };
      const pageSize = query.pageSize === undefined ? 1000 : Number(query.pageSize);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
        throw new AnalyticsRequestError('pageSize must be an integer from 1 to 1000');
      const page = analytics.results(job, query.cursor, pageSize);
      return {
        conversations: page.conversations.map((c) => toAnalyticsConversation(c, true)),
        ...(page.cursor ? { cursor: page.cursor } : {}),
        dataAvailabilityDate: new Date(analytics.dataAvailabilityDate()).toISOString(),
      };
    },
  );
}

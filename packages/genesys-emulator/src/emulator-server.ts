import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AnalyticsRequestError, ConversationAnalytics, type DetailsQuery } from './analytics';
import { systemClock, type Clock } from './clock';
import { ConversationStore, type EmulatedConversation } from './conversation-store';
import { toAnalyticsConversation, toConversation, toMessageConversation } from './conversation-views';
import { registerAdminRoutes } from './emulator-admin.routes';
import { EmulatorControl } from './emulator-control';
import { FaultInjector, type EmulatorRoute } from './fault-injector';
import { customAttributesProblem } from './messenger-ingest';
import { PLATFORM_ERRORS, sendPlatformError } from './platform-error';
import { PerTokenRateLimiter, type RateLimit } from './rate-limiter';
import { TokenStore } from './token-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const PERMISSION_BY_ROUTE: Record<Exclude<EmulatorRoute, 'oauth.token'>, string> = {
  'conversations.get': 'conversation:communication:view',
  'conversations.messages.get': 'conversation:communication:view',
  'analytics.details.query': 'analytics:conversationDetail:view',
  'analytics.jobs.create': 'analytics:conversationDetail:view',
  'analytics.jobs.get': 'analytics:conversationDetail:view',
  'analytics.jobs.results': 'analytics:conversationDetail:view',
};

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  clientId?: string;
  clientSecret?: string;
  deploymentId?: string;
  organizationId?: string;
  tokenLifetimeSeconds?: number;
  rateLimit?: RateLimit;
  analyticsJobDelayMs?: number;
  /** Fault injection, token revocation, settings and counters over HTTP (emulator mode only). */
  adminRoutes?: boolean;
  /** Start with a few example conversations. */
  seed?: boolean;
  clock?: Clock;
}

export interface RunningEmulator {
  /** Base URL serving both the login host's and the API host's paths. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly deploymentId: string;
  readonly organizationId: string;
  readonly adminRoutes: boolean;
  readonly control: EmulatorControl;
  close(): Promise<void>;
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply.code(status).header('cache-control', 'no-store').send({ error, description, error_description: description });
}

function seedConversations(store: ConversationStore, deploymentId: string, now: number): void {
  const hour = 60 * 60 * 1000;
  store.createWebMessaging(
    {
      deploymentId,
      startTime: now - 3 * hour,
      endTime: now - 2.5 * hour,
      customAttributes: { userId: 'usr_1001', userTier: 'Gold', lastOrderDate: '2026-10-30T09:15:00.000Z' },
      routedTo: { queueId: '3b1f6a52-8c1e-4d2a-9a57-6f4f0c2e9d11', agentUserId: 'c8e5a1f0-2b6d-4f3e-9c1a-7d2e4b6f8a90', agentName: 'Avery Agent' },
    },
    '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f',
  );
  store.createWebMessaging(
    { deploymentId, startTime: now - hour, customAttributes: { userId: 'usr_1002', userTier: 'Silver' } },
    '7f8e9d0c-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
  );
  store.createWebMessaging(
    { deploymentId, startTime: now - 10 * 60 * 1000, customAttributes: {} },
    'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  );
}

/**
 * A local stand-in for the parts of Genesys Cloud the gateway uses: the OAuth token endpoint,
 * the conversation and analytics APIs, per-token rate limits, and Messenger's attribute
 * ingestion. Behaviour follows docs/genesys-platform.md.
 */
export async function startGenesysEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const clock = options.clock ?? systemClock;
  const clientId = options.clientId ?? randomUUID();
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const deploymentId = options.deploymentId ?? randomUUID();
  const organizationId = options.organizationId ?? randomUUID();

  const tokens = new TokenStore(clock, options.tokenLifetimeSeconds ?? 86400);
  const limiter = new PerTokenRateLimiter(clock, options.rateLimit ?? { limit: 300, windowSeconds: 60 });
  const faults = new FaultInjector();
  const store = new ConversationStore();
  const analytics = new ConversationAnalytics(store, clock, options.analyticsJobDelayMs ?? 500);
  const control = new EmulatorControl(tokens, limiter, faults, store, analytics, clock, deploymentId);
  if (options.seed ?? true) seedConversations(store, deploymentId, clock.now());

  const held = new Set<{ timer: NodeJS.Timeout; request: FastifyRequest }>();
  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true });

  // The token endpoint decides itself what to do with a body that is not a form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onResponse', async (_request, reply) => {
    control.record((counters) => {
      const key = String(reply.statusCode);
      counters.responsesByStatus[key] = (counters.responsesByStatus[key] ?? 0) + 1;
    });
  });

  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (request.url.startsWith('/oauth/')) return oauthError(reply, 400, 'invalid_request', 'malformed request');
    return sendPlatformError(reply, status === 500 ? PLATFORM_ERRORS.internalServerError() : PLATFORM_ERRORS.badRequest());
  });
  app.setNotFoundHandler((_request, reply) => sendPlatformError(reply, PLATFORM_ERRORS.notFound()));

  /** Applies an injected fault; returns true when it answered (or dropped) the request. */
  function applyFault(route: EmulatorRoute, request: FastifyRequest, reply: FastifyReply): boolean {
    const fault = faults.take(route);
    if (!fault) return false;
    switch (fault.kind) {
      case 'drop':
        reply.hijack();
        request.raw.socket.destroy();
        return true;
      case 'hang': {
        reply.hijack();
        const entry = {
          request,
          timer: setTimeout(() => {
            held.delete(entry);
            request.raw.socket.destroy();
          }, fault.hangMs ?? 60_000),
        };
        held.add(entry);
        return true;
      }
      case '401':
        void sendPlatformError(reply, PLATFORM_ERRORS.badCredentials());
        return true;
      case '403':
        void sendPlatformError(
          reply,
          PLATFORM_ERRORS.missingPermissions(route === 'oauth.token' ? 'oauth:client:view' : PERMISSION_BY_ROUTE[route]),
        );
        return true;
      case '429': {
        const retryAfter = fault.retryAfterSeconds === undefined ? 1 : fault.retryAfterSeconds;
        const limit = limiter.settings;
        void sendPlatformError(
          reply,
          PLATFORM_ERRORS.tooManyRequests(limit.limit, limit.windowSeconds),
          retryAfter === null ? {} : { 'retry-after': String(retryAfter) },
        );
        return true;
      }
      case '500':
        void sendPlatformError(reply, PLATFORM_ERRORS.internalServerError());
        return true;
      case '503':
        void sendPlatformError(reply, PLATFORM_ERRORS.serviceUnavailable());
        return true;
    }
  }

  /** Fault, bearer token and rate limit checks every Platform API route goes through, in that order. */
  function admitPlatformRequest(route: EmulatorRoute, request: FastifyRequest, reply: FastifyReply): boolean {
    control.record((counters) => {
      counters.apiCalls[route] += 1;
    });
    if (applyFault(route, request, reply)) return false;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      void sendPlatformError(reply, PLATFORM_ERRORS.authenticationRequired());
      return false;
    }
    const token = match[1];
    if (tokens.check(token) !== 'valid') {
      void sendPlatformError(reply, PLATFORM_ERRORS.badCredentials());
      return false;
    }
    const decision = limiter.take(token);
    if (!decision.allowed) {
      control.record((counters) => {
        counters.rateLimited += 1;
      });
      const { limit, windowSeconds } = limiter.settings;
      void sendPlatformError(reply, PLATFORM_ERRORS.tooManyRequests(limit, windowSeconds), {
        'retry-after': String(decision.retryAfterSeconds),
      });
      return false;
    }
    return true;
  }

  app.post('/oauth/token', async (request, reply) => {
    control.record((counters) => {
      counters.tokenRequests += 1;
    });
    if (applyFault('oauth.token', request, reply)) return reply;
    const contentType = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
      return oauthError(reply, 400, 'invalid_request', 'content type must be application/x-www-form-urlencoded');
    }
    const basic = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''));
    const [givenId, ...secretParts] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [];
    if (!basic || !constantTimeEquals(givenId ?? '', clientId) || !constantTimeEquals(secretParts.join(':'), clientSecret)) {
      return oauthError(reply, 401, 'invalid_client', 'authentication failed');
    }
    const grantType = new URLSearchParams(String(request.body ?? '')).get('grant_type');
    if (grantType === null) return oauthError(reply, 400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials') {
      return oauthError(reply, 400, 'unsupported_grant_type', `grant type ${grantType} is not supported`);
    }
    const issued = tokens.issue();
    control.record((counters) => {
      counters.tokensIssued += 1;
    });
    return reply
      .header('cache-control', 'no-store')
      .send({ access_token: issued.accessToken, token_type: 'bearer', expires_in: issued.expiresIn });
  });

  function conversationRoute(route: EmulatorRoute, render: (conversation: EmulatedConversation) => unknown) {
    return async (request: FastifyRequest<{ Params: { conversationId: string } }>, reply: FastifyReply) => {
      if (!admitPlatformRequest(route, request, reply)) return reply;
      const { conversationId } = request.params;
      if (!UUID.test(conversationId)) return sendPlatformError(reply, PLATFORM_ERRORS.badRequest());
      const conversation = store.get(conversationId.toLowerCase());
      if (!conversation) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
      return reply.send(render(conversation));
    };
  }
  app.get('/api/v2/conversations/messages/:conversationId', conversationRoute('conversations.messages.get', toMessageConversation));
  app.get('/api/v2/conversations/:conversationId', conversationRoute('conversations.get', toConversation));

  function analyticsBody(request: FastifyRequest): DetailsQuery {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new AnalyticsRequestError('the body must be a JSON object');
    }
    return body as DetailsQuery;
  }

  function analyticsRoute(route: EmulatorRoute, handle: (request: FastifyRequest, reply: FastifyReply) => unknown) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      if (!admitPlatformRequest(route, request, reply)) return reply;
      try {
        return await handle(request, reply);
      } catch (error) {
        if (error instanceof AnalyticsRequestError) return sendPlatformError(reply, PLATFORM_ERRORS.badRequest(error.message));
        throw error;
      }
    };
  }

  app.post(
    '/api/v2/analytics/conversations/details/query',
    analyticsRoute('analytics.details.query', (request) => {
      const { conversations, totalHits } = analytics.query(analyticsBody(request));
      return conversations.length > 0
        ? { conversations: conversations.map((c) => toAnalyticsConversation(c, false)), totalHits }
        : { totalHits };
    }),
  );

  app.post(
    '/api/v2/analytics/conversations/details/jobs',
    analyticsRoute('analytics.jobs.create', (request, reply) => reply.code(202).send({ jobId: analytics.submit(analyticsBody(request)).id })),
  );

  app.get(
    '/api/v2/analytics/conversations/details/jobs/:jobId',
    analyticsRoute('analytics.jobs.get', (request, reply) => {
      const job = analytics.job((request.params as { jobId: string }).jobId);
      if (!job) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
      const fulfilled = analytics.isFulfilled(job);
      return {
        state: fulfilled ? 'FULFILLED' : 'PENDING',
        submissionDate: new Date(job.submittedAt).toISOString(),
        ...(fulfilled ? { completionDate: new Date(job.submittedAt + analytics.jobDelayMs).toISOString() } : {}),
        expirationDate: new Date(job.submittedAt + 7 * 24 * 60 * 60 * 1000).toISOString(),
      };
    }),
  );

  app.get(
    '/api/v2/analytics/conversations/details/jobs/:jobId/results',
    analyticsRoute('analytics.jobs.results', (request, reply) => {
      const job = analytics.job((request.params as { jobId: string }).jobId);
      if (!job) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
      if (!analytics.isFulfilled(job)) throw new AnalyticsRequestError('the job is not fulfilled yet; poll its state first');
      const query = request.query as { cursor?: string; pageSize?: string };
      const pageSize = query.pageSize === undefined ? 1000 : Number(query.pageSize);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
        throw new AnalyticsRequestError('pageSize must be an integer from 1 to 1000');
      }
      const page = analytics.results(job, query.cursor, pageSize);
      return {
        conversations: page.conversations.map((c) => toAnalyticsConversation(c, true)),
        ...(page.cursor ? { cursor: page.cursor } : {}),
        dataAvailabilityDate: new Date(clock.now()).toISOString(),
      };
    }),
  );

  // The visitor's side: what Messenger sends with the first message (message.channel.metadata.customAttributes).
  app.post('/emulator/webmessaging/messages', async (request, reply) => {
    const body = request.body as {
      deploymentId?: unknown;
      message?: { channel?: { metadata?: { customAttributes?: unknown } } };
    } | null;
    if (typeof body !== 'object' || body === null) {
      return sendPlatformError(reply, PLATFORM_ERRORS.badRequest('the body must be a JSON object'));
    }
    if (body.deploymentId !== deploymentId) {
      return sendPlatformError(reply, PLATFORM_ERRORS.badRequest('deploymentId does not name a Messenger deployment of this org'));
    }
    const customAttributes = body.message?.channel?.metadata?.customAttributes;
    const problem = customAttributesProblem(customAttributes);
    if (problem) return sendPlatformError(reply, PLATFORM_ERRORS.badRequest(problem));
    const conversation = control.ingest({
      deploymentId,
      customAttributes: (customAttributes as Record<string, string> | undefined) ?? {},
    });
    const customer = conversation.participants.find((participant) => participant.purpose === 'customer');
    return reply.code(201).send({
      conversationId: conversation.id,
      participantId: customer?.id,
      selfUri: `/api/v2/conversations/${conversation.id}`,
    });
  });

  app.get('/emulator', async () => ({
    name: 'Genesys Cloud emulator',
    deploymentId,
    organizationId,
    adminRoutes: options.adminRoutes ?? false,
    conversations: control.conversationIds(),
  }));

  if (options.adminRoutes) registerAdminRoutes(app, control);

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    clientId,
    clientSecret,
    deploymentId,
    organizationId,
    adminRoutes: options.adminRoutes ?? false,
    control,
    async close() {
      for (const entry of held) {
        clearTimeout(entry.timer);
        entry.request.raw.socket.destroy();
      }
      held.clear();
      await app.close();
    },
  };
}


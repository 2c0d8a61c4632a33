import Fastify, { type FastifyInstance } from 'fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ConversationAnalytics } from './analytics';
import { registerAnalyticsRoutes } from './analytics.routes';
import { systemClock, type Clock } from './clock';
import { ConversationStream } from './conversation-stream';
import { ConversationStore } from './conversation-store';
import { registerConversationRoutes } from './conversations.routes';
import { registerAdminRoutes } from './emulator-admin.routes';
import { EmulatorControl } from './emulator-control';
import { HeldRequests, type EmulatedPlatform } from './emulator-platform';
import { FaultInjector } from './fault-injector';
import { GuestApiSocket } from './guest-api.socket';
import { registerMessengerIngestRoutes } from './messenger-ingest';
import { registerMessengerLoaderRoutes, type DemoShop } from './messenger-loader.routes';
import { oauthError, registerOauthRoutes } from './oauth.routes';
import { DEFAULT_INBOUND_FLOW, NO_INBOUND_FLOW_DATA, type InboundFlowData } from './participant-data';
import { PLATFORM_ERRORS, sendPlatformError } from './platform-error';
import { platformGate } from './platform-gate';
import { PerTokenRateLimiter, type RateLimit } from './rate-limiter';
import { TokenStore } from './token-store';
import { WebMessaging } from './web-messaging';

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
  /**
   * The inbound flow stand-in's participant data (Set Participant Data on every new web messaging
   * conversation, and once in queue); DEFAULT_INBOUND_FLOW when left out, none with `false`.
   */
  inboundFlow?: InboundFlowData | false;
  /** Serve the demo shop at /demo/, signing in with these development tokens (sandbox mode). */
  demo?: DemoShop;
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
  /** Whether the demo shop is served at /demo/. */
  readonly demo: boolean;
  readonly control: EmulatorControl;
  close(): Promise<void>;
}

function seedConversations(store: ConversationStore, deploymentId: string, now: number): void {
  const hour = 60 * 60 * 1000;
  store.createWebMessaging(
    {
      deploymentId,
      startTime: now - 3 * hour,
      endTime: now - 2.5 * hour,
      customAttributes: { userId: 'usr_1001', userTier: 'Gold', lastOrderDate: '2026-10-30T09:15:00.000Z' },
      routedTo: {
        queueId: '3b1f6a52-8c1e-4d2a-9a57-6f4f0c2e9d11',
        agentUserId: 'c8e5a1f0-2b6d-4f3e-9c1a-7d2e4b6f8a90',
        agentName: 'Avery Agent',
      },
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
  const store = new ConversationStore(
    options.inboundFlow === false ? NO_INBOUND_FLOW_DATA : (options.inboundFlow ?? DEFAULT_INBOUND_FLOW),
  );
  const analytics = new ConversationAnalytics(store, clock, options.analyticsJobDelayMs ?? 500);
  const webMessaging = new WebMessaging(store, clock, deploymentId);
  const stream = new ConversationStream(store, clock, deploymentId);
  const control = new EmulatorControl(tokens, limiter, faults, store, analytics, webMessaging, stream, deploymentId);
  if (options.seed ?? true) seedConversations(store, deploymentId, clock.now());

  const platform: EmulatedPlatform = {
    clock,
    client: { clientId, clientSecret },
    deploymentId,
    organizationId,
    tokens,
    limiter,
    faults,
    store,
    analytics,
    webMessaging,
    control,
    held: new HeldRequests(),
  };
  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true });

  // The token endpoint decides itself what to do with a body that is not a form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // DNS rebinding: a page the developer visits can point a name of its own at 127.0.0.1 and call
  // this port. The admin routes, the demo shop (its session holds a token) and the ingest answer
  // only requests addressed to this machine by a loopback name or the address it listens on.
  const localNames = new Set(['localhost', '127.0.0.1', '[::1]', '::1', options.host ?? '127.0.0.1']);
  app.addHook('onRequest', async (request, reply) => {
    if (!/^\/(emulator|demo)(\/|$|\?)/.test(request.url)) return;
    if (!localNames.has(request.hostname.toLowerCase()))
      return sendPlatformError(
        reply,
        PLATFORM_ERRORS.forbidden('this route answers requests addressed to localhost only'),
      );
  });
  app.addHook('onResponse', async (_request, reply) => {
    control.record((counters) => {
      const key = String(reply.statusCode);
      counters.responsesByStatus[key] = (counters.responsesByStatus[key] ?? 0) + 1;
    });
  });
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (request.url.startsWith('/oauth/')) return oauthError(reply, 400, 'invalid_request', 'malformed request');
    return sendPlatformError(
      reply,
      status === 500 ? PLATFORM_ERRORS.internalServerError() : PLATFORM_ERRORS.badRequest(),
    );
  });
  app.setNotFoundHandler((_request, reply) => sendPlatformError(reply, PLATFORM_ERRORS.notFound()));

  const gate = platformGate(platform);
  registerOauthRoutes(app, platform);
  registerConversationRoutes(app, platform, gate);
  registerAnalyticsRoutes(app, platform, gate);
  registerMessengerIngestRoutes(app, platform);
  registerMessengerLoaderRoutes(app, options.demo);
  const guestApi = new GuestApiSocket(platform);
  app.server.on('upgrade', (request, socket, head) => guestApi.handleUpgrade(request, socket, head));
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
    demo: options.demo !== undefined,
    control,
    async close() {
      platform.held.releaseAll();
      guestApi.close();
      await app.close();
    },
  };
}

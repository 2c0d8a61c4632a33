import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { EmulatedPlatform } from './emulator-platform';
import type { EmulatorRoute } from './fault-injector';
import { PLATFORM_ERRORS, sendPlatformError } from './platform-error';

const PERMISSION_BY_ROUTE: Record<Exclude<EmulatorRoute, 'oauth.token'>, string> = {
  'conversations.get': 'conversation:communication:view',
  'conversations.messages.get': 'conversation:communication:view',
  'conversations.messages.details': 'conversation:message:view',
  // Not published in what we could read (the SDK names none): the emulator's choice, only quoted in an injected 403.
  'conversations.participants.attributes': 'conversation:participant:update',
  'conversations.messages.participants.attributes': 'conversation:participant:update',
  'analytics.details.query': 'analytics:conversationDetail:view',
  'analytics.jobs.create': 'analytics:conversationDetail:view',
  'analytics.jobs.get': 'analytics:conversationDetail:view',
  'analytics.jobs.results': 'analytics:conversationDetail:view',
  'analytics.jobs.delete': 'analytics:conversationDetail:view',
  'analytics.jobs.availability': 'analytics:conversationDetail:view',
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The key a Platform API route's faults and counters are kept under. */
    emulatorRoute?: EmulatorRoute;
  }
}

/** The route config of a Platform API route: its key, for the gate. */
export const routeKey = (route: EmulatorRoute) => ({ emulatorRoute: route });

/** Applies an injected fault; true when it answered (or dropped, or is holding) the request. */
export function applyFault(
  platform: EmulatedPlatform,
  route: EmulatorRoute,
  request: FastifyRequest,
  reply: FastifyReply,
): boolean {
  const fault = platform.faults.take(route);
  if (!fault) return false;
  switch (fault.kind) {
    case 'drop':
      reply.hijack();
      request.raw.socket.destroy();
      return true;
    case 'hang':
      reply.hijack();
      platform.held.hold(request, fault.hangMs ?? 60_000);
      return true;
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
      const { limit, windowSeconds } = platform.limiter.settings;
      void sendPlatformError(
        reply,
        PLATFORM_ERRORS.tooManyRequests(limit, windowSeconds),
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

/**
 * The one pre-handler of every Platform API route, in the platform's order: the request is
 * counted, then an injected fault, then the bearer token, then the per-token rate limit.
 */
export function platformGate(platform: EmulatedPlatform): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const route = request.routeOptions.config.emulatorRoute;
    if (route === undefined) throw new Error(`${request.routeOptions.url} is gated without a route key`);
    platform.control.record((counters) => {
      counters.apiCalls[route] += 1;
    });
    if (applyFault(platform, route, request, reply)) return reply;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return sendPlatformError(reply, PLATFORM_ERRORS.authenticationRequired());
    const token = match[1];
    if (platform.tokens.check(token) !== 'valid') return sendPlatformError(reply, PLATFORM_ERRORS.badCredentials());
    const decision = platform.limiter.take(token);
    if (!decision.allowed) {
      platform.control.record((counters) => {
        counters.rateLimited += 1;
      });
      const { limit, windowSeconds } = platform.limiter.settings;
      return sendPlatformError(reply, PLATFORM_ERRORS.tooManyRequests(limit, windowSeconds), {
        'retry-after': String(decision.retryAfterSeconds),
      });
    }
  };
}

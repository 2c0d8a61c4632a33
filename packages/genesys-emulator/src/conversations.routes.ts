import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { EmulatedConversation } from './conversation-store';
import { toConversation, toMessageConversation, toMessageData } from './conversation-views';
import type { EmulatedPlatform } from './emulator-platform';
import type { EmulatorRoute } from './fault-injector';
import { applyParticipantData, isParticipantData } from './participant-data';
import { PLATFORM_ERRORS, sendPlatformError } from './platform-error';
import { routeKey } from './platform-gate';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Keys in one PATCH: more than Architect lets a flow hold (50), far fewer than would let one request grow a participant
 * without bound.
 */
const MAX_PATCHED_ATTRIBUTES = 100;

/**
 * `GET /api/v2/conversations/{id}` and its web messaging view `/api/v2/conversations/messages/{id}`,
 * and the participant data writers scripts and integrations use: `PATCH .../participants/{id}/attributes`
 * (generic: 202 and no body, the SDK's `Promise<void>`; messages: the participant's `ParticipantAttributes`).
 */
export function registerConversationRoutes(
  app: FastifyInstance,
  platform: EmulatedPlatform,
  gate: preHandlerAsyncHookHandler,
): void {
  const conversationRoute = (
    route: EmulatorRoute,
    path: string,
    render: (conversation: EmulatedConversation) => unknown,
  ) =>
    app.get(
      path,
      { config: routeKey(route), preHandler: gate },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const { conversationId } = request.params as { conversationId: string };
        if (!UUID.test(conversationId)) return sendPlatformError(reply, PLATFORM_ERRORS.badRequest());
        const conversation = platform.store.get(conversationId.toLowerCase());
        if (!conversation) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
        return reply.send(render(conversation));
      },
    );
  conversationRoute('conversations.messages.get', '/api/v2/conversations/messages/:conversationId', (conversation) =>
    toMessageConversation(conversation, (participantId) => platform.webMessaging.messagesOf(participantId)),
  );
  app.get(
    '/api/v2/conversations/messages/:messageId/details',
    { config: routeKey('conversations.messages.details'), preHandler: gate },
    async (request, reply) => {
      const { messageId } = request.params as { messageId: string };
      const delivered = UUID.test(messageId) ? platform.webMessaging.message(messageId.toLowerCase()) : undefined;
      if (!delivered) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
      return reply.send(toMessageData(delivered));
    },
  );
  conversationRoute('conversations.get', '/api/v2/conversations/:conversationId', toConversation);

  const attributesRoute = (
    route: EmulatorRoute,
    path: string,
    answer: (reply: FastifyReply, attributes: Record<string, string>) => unknown,
  ) =>
    app.patch(
      path,
      { config: routeKey(route), preHandler: gate },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const { conversationId, participantId } = request.params as { conversationId: string; participantId: string };
        if (!UUID.test(conversationId) || !UUID.test(participantId))
          return sendPlatformError(reply, PLATFORM_ERRORS.badRequest());
        const body = request.body as { attributes?: unknown } | null | undefined;
        const attributes = typeof body === 'object' && body !== null ? body.attributes : undefined;
        if (!isParticipantData(attributes))
          return sendPlatformError(reply, PLATFORM_ERRORS.badRequest('attributes must be an object of string values'));
        if (Object.keys(attributes).length > MAX_PATCHED_ATTRIBUTES)
          return sendPlatformError(
            reply,
            PLATFORM_ERRORS.badRequest(`at most ${MAX_PATCHED_ATTRIBUTES} attributes per request`),
          );
        const conversation = platform.store.get(conversationId.toLowerCase());
        const participant = conversation?.participants.find(
          (candidate) => candidate.id === participantId.toLowerCase(),
        );
        if (!participant) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
        applyParticipantData(participant.attributes, attributes);
        return answer(reply, participant.attributes);
      },
    );
  attributesRoute(
    'conversations.participants.attributes',
    '/api/v2/conversations/:conversationId/participants/:participantId/attributes',
    (reply) => reply.code(202).send(),
  );
  attributesRoute(
    'conversations.messages.participants.attributes',
    '/api/v2/conversations/messages/:conversationId/participants/:participantId/attributes',
    (reply, attributes) => reply.send({ attributes: { ...attributes } }),
  );
}

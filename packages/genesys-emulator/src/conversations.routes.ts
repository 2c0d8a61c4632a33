import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { EmulatedConversation } from './conversation-store';
import { toConversation, toMessageConversation, toMessageData } from './conversation-views';
import type { EmulatedPlatform } from './emulator-platform';
import type { EmulatorRoute } from './fault-injector';
import { PLATFORM_ERRORS, sendPlatformError } from './platform-error';
import { routeKey } from './platform-gate';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `GET /api/v2/conversations/{id}` and its web messaging view `/api/v2/conversations/messages/{id}`. */
export function registerConversationRoutes(app: FastifyInstance, platform: EmulatedPlatform, gate: preHandlerAsyncHookHandler): void {
  const conversationRoute = (route: EmulatorRoute, path: string, render: (conversation: EmulatedConversation) => unknown) =>
    app.get(path, { config: routeKey(route), preHandler: gate }, async (request: FastifyRequest, reply: FastifyReply) => {
      const { conversationId } = request.params as { conversationId: string };
      if (!UUID.test(conversationId)) return sendPlatformError(reply, PLATFORM_ERRORS.badRequest());
      const conversation = platform.store.get(conversationId.toLowerCase());
      if (!conversation) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
      return reply.send(render(conversation));
    });
  conversationRoute('conversations.messages.get', '/api/v2/conversations/messages/:conversationId', (conversation) =>
    toMessageConversation(conversation, (participantId) => platform.webMessaging.messagesOf(participantId)),
  );
  app.get('/api/v2/conversations/messages/:messageId/details', { config: routeKey('conversations.messages.details'), preHandler: gate }, async (request, reply) => {
    const { messageId } = request.params as { messageId: string };
    const delivered = UUID.test(messageId) ? platform.webMessaging.message(messageId.toLowerCase()) : undefined;
    if (!delivered) return sendPlatformError(reply, PLATFORM_ERRORS.notFound());
    return reply.send(toMessageData(delivered));
  });
  conversationRoute('conversations.get', '/api/v2/conversations/:conversationId', toConversation);
}

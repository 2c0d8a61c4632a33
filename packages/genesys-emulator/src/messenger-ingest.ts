import type { FastifyInstance } from 'fastify';
import type { EmulatedPlatform } from './emulator-platform';
import { isObject, readInboundMessage } from './inbound-message';
import { PLATFORM_ERRORS, sendPlatformError } from './platform-error';

/**
 * The visitor's side, as a test shortcut over the same core as the Guest API: `{ deploymentId,
 * message }` with `message` exactly as `onMessage` takes it starts a conversation carrying its
 * custom attributes. Any other shape (Messenger's `Database.set` payload, attributes at the old
 * top-level location) is refused with a 400 naming the field.
 */
export function registerMessengerIngestRoutes(app: FastifyInstance, platform: EmulatedPlatform): void {
  const { deploymentId, webMessaging } = platform;
  const badRequest = (reply: Parameters<typeof sendPlatformError>[0], message: string) =>
    sendPlatformError(reply, PLATFORM_ERRORS.badRequest(message));
  app.post('/emulator/webmessaging/messages', async (request, reply) => {
    const body = request.body;
    if (!isObject(body)) return badRequest(reply, 'the body must be a JSON object: { deploymentId, message }');
    const unknown = Object.keys(body).filter((key) => key !== 'deploymentId' && key !== 'message');
    if (unknown.length > 0) {
      return badRequest(
        reply,
        `${unknown.slice(0, 5).join(', ')}: not part of { deploymentId, message }; custom attributes go in message.channel.metadata.customAttributes`,
      );
    }
    if (body.deploymentId !== deploymentId)
      return badRequest(reply, 'deploymentId does not name a Messenger deployment of this org');
    const read = readInboundMessage(body.message);
    if ('problem' in read) return badRequest(reply, `${read.field} ${read.problem}`);
    const delivered = webMessaging.deliverAlone(read.message);
    return reply.code(201).send({
      conversationId: delivered.conversationId,
      participantId: delivered.participantId,
      messageId: delivered.id,
      selfUri: `/api/v2/conversations/${delivered.conversationId}`,
    });
  });
}

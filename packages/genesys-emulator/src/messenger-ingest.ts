import type { FastifyInstance } from 'fastify';
import { MAX_CUSTOM_DATA_BYTES, customDataBytes } from './custom-data';
import type { EmulatedPlatform } from './emulator-platform';
import { PLATFORM_ERRORS, sendPlatformError } from './platform-error';

/** Why a `customAttributes` map would be refused, or null when Messenger would send it. */
export function customAttributesProblem(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'customAttributes must be an object of string values';
  }
  const notStrings = Object.entries(value).filter(([, entry]) => typeof entry !== 'string');
  if (notStrings.length > 0) {
    return `customAttributes values must be strings; not a string: ${notStrings.map(([key]) => key).join(', ')}`;
  }
  const bytes = customDataBytes(value as Record<string, string>);
  if (bytes > MAX_CUSTOM_DATA_BYTES) {
    return `customAttributes is ${bytes} bytes (keys plus values, UTF-8); the limit is ${MAX_CUSTOM_DATA_BYTES}`;
  }
  return null;
}

/**
 * The visitor's side, as a test shortcut: what Messenger sends with the first message
 * (`message.channel.metadata.customAttributes`) starts a conversation carrying the attributes as sent.
 */
export function registerMessengerIngestRoutes(app: FastifyInstance, platform: EmulatedPlatform): void {
  const { control, deploymentId } = platform;
  app.post('/emulator/webmessaging/messages', async (request, reply) => {
    const body = request.body as { deploymentId?: unknown; message?: { channel?: { metadata?: { customAttributes?: unknown } } } } | null;
    if (typeof body !== 'object' || body === null) {
      return sendPlatformError(reply, PLATFORM_ERRORS.badRequest('the body must be a JSON object'));
    }
    if (body.deploymentId !== deploymentId) {
      return sendPlatformError(reply, PLATFORM_ERRORS.badRequest('deploymentId does not name a Messenger deployment of this org'));
    }
    const customAttributes = body.message?.channel?.metadata?.customAttributes;
    const problem = customAttributesProblem(customAttributes);
    if (problem) return sendPlatformError(reply, PLATFORM_ERRORS.badRequest(problem));
    const conversation = control.ingest({ deploymentId, customAttributes: (customAttributes as Record<string, string> | undefined) ?? {} });
    const customer = conversation.participants.find((participant) => participant.purpose === 'customer');
    return reply.code(201).send({ conversationId: conversation.id, participantId: customer?.id, selfUri: `/api/v2/conversations/${conversation.id}` });
  });
}

import type { EmulatedConversation, EmulatedParticipant } from './conversation-store';
import type { DeliveredMessage } from './web-messaging';

/** The shapes the Platform API answers with, built from the emulator's records. */

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

function messageMedia(participant: EmulatedParticipant) {
  return withoutUndefined({
    id: participant.id,
    state: participant.state,
    held: false,
    direction: participant.direction,
    type: 'webmessaging',
    provider: 'PureCloud Messaging',
    connectedTime: iso(participant.connectedTime),
    disconnectedTime: iso(participant.endTime),
    disconnectType: participant.endTime === undefined ? undefined : 'client',
  });
}

/** `Conversation`, as `GET /api/v2/conversations/{conversationId}` returns it. */
export function toConversation(conversation: EmulatedConversation) {
  return withoutUndefined({
    id: conversation.id,
    startTime: iso(conversation.startTime),
    endTime: iso(conversation.endTime),
    participants: conversation.participants.map((participant) =>
      withoutUndefined({
        id: participant.id,
        startTime: iso(participant.startTime),
        endTime: iso(participant.endTime),
        connectedTime: iso(participant.connectedTime),
        name: participant.name,
        userId: participant.userId,
        userUri: participant.userId ? `/api/v2/users/${participant.userId}` : undefined,
        queueId: participant.queueId,
        purpose: participant.purpose,
        participantType: participant.purpose === 'customer' ? 'External' : 'Internal',
        wrapupRequired: participant.purpose === 'agent',
        attributes: { ...participant.attributes },
        messages: [messageMedia(participant)],
      }),
    ),
    recordingState: 'none',
    divisions: [
      {
        division: {
          id: conversation.divisionId,
          selfUri: `/api/v2/authorization/divisions/${conversation.divisionId}`,
        },
        entities: [],
      },
    ],
    selfUri: `/api/v2/conversations/${conversation.id}`,
  });
}

/** `MessageConversation`, as `GET /api/v2/conversations/messages/{conversationId}` returns it. */
export function toMessageConversation(
  conversation: EmulatedConversation,
  messagesOf?: (participantId: string) => readonly DeliveredMessage[],
) {
  return {
    id: conversation.id,
    participants: conversation.participants.map((participant) =>
      withoutUndefined({
        id: participant.id,
        name: participant.name,
        startTime: iso(participant.startTime),
        connectedTime: iso(participant.connectedTime),
        endTime: iso(participant.endTime),
        user: participant.userId
          ? { id: participant.userId, selfUri: `/api/v2/users/${participant.userId}` }
          : undefined,
        queue: participant.queueId
          ? { id: participant.queueId, selfUri: `/api/v2/routing/queues/${participant.queueId}` }
          : undefined,
        purpose: participant.purpose,
        state: participant.state,
        direction: participant.direction,
        held: false,
        wrapupRequired: participant.purpose === 'agent',
        attributes: { ...participant.attributes },
        type: 'webmessaging',
        authenticated: participant.authenticated,
        messages: (messagesOf?.(participant.id) ?? []).map((message) => ({
          messageId: message.id,
          messageTime: new Date(message.time).toISOString(),
          messageStatus: 'received',
          messageSegmentCount: 1,
        })),
      }),
    ),
    selfUri: `/api/v2/conversations/messages/${conversation.id}`,
  };
}

/** What job results do to participant attributes: keys and values cut at 1024 characters. */
export const ANALYTICS_ATTRIBUTE_LIMIT = 1024;

function truncatedAttributes(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const cut = (text: string) =>
    text.length > ANALYTICS_ATTRIBUTE_LIMIT ? text.slice(0, ANALYTICS_ATTRIBUTE_LIMIT) : text;
  return Object.fromEntries(Object.entries(attributes).map(([key, value]) => [cut(key), cut(value)]));
}

/**
 * `AnalyticsConversation`; participant attributes only where the real API includes them (async jobs), truncated as it
 * truncates them.
 */
export function toAnalyticsConversation(conversation: EmulatedConversation, includeAttributes: boolean) {
  return withoutUndefined({
    conversationId: conversation.id,
    conversationStart: iso(conversation.startTime),
    conversationEnd: iso(conversation.endTime),
    originatingDirection: 'inbound',
    divisionIds: [conversation.divisionId],
    participants: conversation.participants.map((participant) =>
      withoutUndefined({
        participantId: participant.id,
        participantName: participant.name,
        purpose: participant.purpose,
        userId: participant.userId,
        attributes: includeAttributes ? truncatedAttributes(participant.attributes) : undefined,
        sessions: [
          {
            sessionId: participant.id,
            mediaType: 'message',
            messageType: 'webmessaging',
            direction: participant.direction,
            segments: [
              withoutUndefined({
                segmentStart: iso(participant.startTime),
                segmentEnd: iso(participant.endTime),
                segmentType: 'interact',
                queueId: participant.queueId,
              }),
            ],
          },
        ],
      }),
    ),
  });
}

/**
 * `MessageData`, as `GET /api/v2/conversations/messages/{messageId}/details` returns it for a
 * visitor's inbound message: which conversation it belongs to, and the normalized message. The
 * model declares no place for custom attributes (`ConversationMessagingChannel` has no
 * `metadata`), so none are shown: what a message carried cannot be read back from the platform.
 */
export function toMessageData(delivered: DeliveredMessage) {
  const time = new Date(delivered.time).toISOString();
  return withoutUndefined({
    id: delivered.id,
    conversationId: delivered.conversationId,
    timestamp: time,
    direction: 'inbound',
    messengerType: 'webmessaging',
    status: 'received',
    normalizedMessage: withoutUndefined({
      id: delivered.id,
      channel: {
        id: delivered.participantId,
        platform: 'Webmessaging',
        type: 'Private',
        messageId: delivered.id,
        time,
      },
      type: delivered.message.type,
      text: delivered.message.text,
      events: delivered.message.events,
      originatingEntity: 'Human',
    }),
    selfUri: `/api/v2/conversations/messages/${delivered.id}/details`,
  });
}

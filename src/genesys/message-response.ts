import { isPlain, readStringMap } from './conversation-response';
import { UpstreamErrors } from './upstream-errors';

type Plain = Record<string, unknown>;

/** What the service reads of `MessageData` (`GET /api/v2/conversations/messages/{messageId}/details`). */
export interface GenesysMessageDetails {
  id: string;
  conversationId: string;
  /** The custom attributes the platform took from this message (`normalizedMessage.channel.metadata.customAttributes`); none when it carried none. */
  customAttributes?: Record<string, string>;
}

/** A participant's messages as `GET /api/v2/conversations/messages/{conversationId}` lists them: id and time. */
export interface GenesysParticipantMessages {
  participantId: string;
  purpose: string;
  messages: { messageId: string; messageTime: string }[];
}

const MAX_LISTED = 10_000;

/** Reads the message details checked, as every Genesys answer: a malformed one is a 502, never a verdict. */
export function readMessageDetails(body: unknown): GenesysMessageDetails {
  if (!isPlain(body) || typeof body.id !== 'string' || typeof body.conversationId !== 'string') {
    throw UpstreamErrors.invalidResponse('the message details have no id or conversationId');
  }
  const normalized = body.normalizedMessage;
  const metadata = isPlain(normalized) && isPlain(normalized.channel) ? normalized.channel.metadata : undefined;
  const customAttributes = readStringMap(isPlain(metadata) ? metadata.customAttributes : undefined, 'normalizedMessage.channel.metadata.customAttributes');
  return { id: body.id, conversationId: body.conversationId, ...(customAttributes ? { customAttributes } : {}) };
}

/** Reads the participants' message lists of a messaging conversation, checked. */
export function readParticipantMessages(body: unknown): GenesysParticipantMessages[] {
  if (!isPlain(body) || !Array.isArray(body.participants) || body.participants.length > 1000) {
    throw UpstreamErrors.invalidResponse('the message conversation has no participants list');
  }
  return body.participants.map((participant: unknown, index) => {
    if (!isPlain(participant) || typeof participant.id !== 'string' || typeof participant.purpose !== 'string') {
      throw UpstreamErrors.invalidResponse(`participants[${index}] is not a participant with an id and a purpose`);
    }
    const listed = participant.messages ?? [];
    if (!Array.isArray(listed) || listed.length > MAX_LISTED) throw UpstreamErrors.invalidResponse(`participants[${index}].messages is not a list`);
    const messages = listed
      .filter((message): message is Plain => isPlain(message) && typeof message.messageId === 'string' && typeof message.messageTime === 'string')
      .map((message) => ({ messageId: message.messageId as string, messageTime: message.messageTime as string }));
    return { participantId: participant.id, purpose: participant.purpose, messages };
  });
}

import type { GenesysConversation, GenesysMessageMedia, GenesysParticipant } from './genesys-models';
import { UpstreamErrors } from './upstream-errors';

/** More participants than any conversation has; a longer list is not an answer to trust. */
const MAX_PARTICIPANTS = 1000;

type Plain = Record<string, unknown>;

export const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const optionalString = (value: unknown) => value === undefined || value === null || typeof value === 'string';

/**
 * A custom-attribute map in a Genesys answer (`field` names where, for the 502's message), checked:
 * undefined when absent; string values only, as participant data is a string map and anything
 * else is not what the visitor sent; keys copied as own properties, `__proto__` included.
 */
export function readStringMap(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlain(value)) throw UpstreamErrors.invalidResponse(`${field} is not an object`);
  const attributes: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw UpstreamErrors.invalidResponse(`${field} holds a value that is not a string`);
    Object.defineProperty(attributes, key, { value: entry, enumerable: true, writable: true, configurable: true });
  }
  return attributes;
}

function messagesOf(value: unknown, at: string): GenesysMessageMedia[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw UpstreamErrors.invalidResponse(`${at}.messages is not an array`);
  return value.map((media: unknown, index) => {
    if (!isPlain(media) || !optionalString(media.type) || !optionalString(media.id)) {
      throw UpstreamErrors.invalidResponse(`${at}.messages[${index}] is not a message media participant`);
    }
    return {
      id: typeof media.id === 'string' ? media.id : '',
      ...(typeof media.type === 'string' ? { type: media.type } : {}),
    };
  });
}

function participantOf(value: unknown, index: number): GenesysParticipant {
  const at = `participants[${index}]`;
  if (!isPlain(value) || typeof value.id !== 'string' || typeof value.purpose !== 'string') {
    throw UpstreamErrors.invalidResponse(`${at} is not a participant with an id and a purpose`);
  }
  const attributes = readStringMap(value.attributes, `${at}.attributes`);
  const messages = messagesOf(value.messages, at);
  return {
    id: value.id,
    purpose: value.purpose,
    ...(typeof value.startTime === 'string' ? { startTime: value.startTime } : {}),
    ...(attributes ? { attributes } : {}),
    ...(messages ? { messages } : {}),
  };
}

/**
 * The parts of a `GET /api/v2/conversations/{id}` answer the service reads, checked: Genesys's
 * answer is input like any other, and what a malformed one holds must end as a 502, never as a
 * 500 or a verdict. Attribute keys are copied as own properties, `__proto__` included.
 */
export function readConversation(body: unknown): GenesysConversation {
  if (!isPlain(body)) throw UpstreamErrors.invalidResponse('the body is not a JSON object');
  if (typeof body.id !== 'string') throw UpstreamErrors.invalidResponse('the conversation has no id');
  if (
    typeof body.startTime !== 'string' ||
    body.startTime.length > 64 ||
    !Number.isFinite(Date.parse(body.startTime))
  ) {
    throw UpstreamErrors.invalidResponse('the conversation has no valid startTime');
  }
  if (!Array.isArray(body.participants) || body.participants.length > MAX_PARTICIPANTS) {
    throw UpstreamErrors.invalidResponse('the conversation has no participants list');
  }
  return { id: body.id, startTime: body.startTime, participants: body.participants.map(participantOf) };
}

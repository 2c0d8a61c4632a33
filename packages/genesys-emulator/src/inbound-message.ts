import { MAX_CUSTOM_DATA_BYTES, customDataBytes } from './custom-data';
import { GUEST_API_CODES, type GuestApiCode } from './guest-api-codes';

/** A visitor's message as the Guest API takes it (`onMessage`'s `message`), once read. */
export interface InboundMessage {
  type: 'Text' | 'Event';
  /** For Text. */
  text?: string;
  /** For Event: the autostart Presence/Join, or other presence events. */
  events?: { eventType: 'Presence'; presence: { type: string } }[];
  /** `message.channel.metadata.customAttributes`, the one location the platform reads; absent when not sent. */
  customAttributes?: Record<string, string>;
}

/**
 * A message the platform refuses: the field, the problem, and the Guest API code it answers (4020 missing, 4011 too
 * long, 4013 over the byte budget, else 400).
 */
export type InboundReading = { message: InboundMessage } | { field: string; problem: string; code: GuestApiCode };

const MAX_TEXT_CHARACTERS = 4096;
const MAX_ATTRIBUTE_KEYS = 100;

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why a `customAttributes` map would be refused, or null when the platform takes it: strings only, within the byte
 * budget.
 */
export function customAttributesProblem(value: unknown): { problem: string; code: GuestApiCode } | null {
  const refused = (problem: string, code: GuestApiCode = GUEST_API_CODES.badRequest) => ({ problem, code });
  if (!isObject(value)) return refused('must be an object of string values');
  const keys = Object.keys(value);
  if (keys.length > MAX_ATTRIBUTE_KEYS)
    return refused(
      `holds ${keys.length} keys; at most ${MAX_ATTRIBUTE_KEYS}`,
      GUEST_API_CODES.customAttributesTooLarge,
    );
  const notStrings = keys.filter((key) => typeof value[key] !== 'string');
  if (notStrings.length > 0)
    return refused(
      `values must be strings (null is refused; an empty string removes one); not a string: ${notStrings.slice(0, 10).join(', ')}`,
    );
  const bytes = customDataBytes(value as Record<string, string>);
  if (bytes > MAX_CUSTOM_DATA_BYTES)
    return refused(
      `is ${bytes} bytes (keys plus values, UTF-8); the limit is ${MAX_CUSTOM_DATA_BYTES}`,
      GUEST_API_CODES.customAttributesTooLarge,
    );
  return null;
}

/**
 * Reads `message` as the platform does: a Text with its text, or an Event (the autostart
 * Presence/Join); custom attributes only from `message.channel.metadata.customAttributes`.
 * Anything else names the field that is wrong.
 */
export function readInboundMessage(message: unknown): InboundReading {
  const { badRequest, missingParameter, messageTooLong } = GUEST_API_CODES;
  if (message === undefined)
    return {
      field: 'message',
      problem: 'is required: { type: "Text", text, channel?: { metadata: { customAttributes } } }',
      code: missingParameter,
    };
  if (!isObject(message))
    return {
      field: 'message',
      problem: 'must be { type: "Text", text, channel?: { metadata: { customAttributes } } }',
      code: badRequest,
    };
  const channel = message.channel;
  if (channel !== undefined && !isObject(channel))
    return { field: 'message.channel', problem: 'must be an object', code: badRequest };
  const metadata = channel?.metadata;
  if (metadata !== undefined && !isObject(metadata))
    return { field: 'message.channel.metadata', problem: 'must be an object', code: badRequest };
  let customAttributes: Record<string, string> | undefined;
  if (metadata?.customAttributes !== undefined) {
    const refused = customAttributesProblem(metadata.customAttributes);
    if (refused) return { field: 'message.channel.metadata.customAttributes', ...refused };
    customAttributes = { ...(metadata.customAttributes as Record<string, string>) };
  }
  if (message.type === undefined)
    return { field: 'message.type', problem: 'is required: Text or Event', code: missingParameter };
  if (message.type === 'Text') {
    if (message.text === undefined)
      return { field: 'message.text', problem: 'is required for a Text message', code: missingParameter };
    if (typeof message.text !== 'string' || message.text.length === 0)
      return { field: 'message.text', problem: 'must be a non-empty string', code: badRequest };
    if (message.text.length > MAX_TEXT_CHARACTERS)
      return {
        field: 'message.text',
        problem: `is longer than ${MAX_TEXT_CHARACTERS} characters`,
        code: messageTooLong,
      };
    return { message: { type: 'Text', text: message.text, ...(customAttributes ? { customAttributes } : {}) } };
  }
  if (message.type === 'Event') {
    const events = message.events;
    const presence = (event: unknown) =>
      isObject(event) &&
      event.eventType === 'Presence' &&
      isObject(event.presence) &&
      typeof event.presence.type === 'string';
    if (!Array.isArray(events) || events.length === 0 || events.length > 10 || !events.every(presence)) {
      return {
        field: 'message.events',
        problem: 'must be 1 to 10 events of { eventType: "Presence", presence: { type } }',
        code: badRequest,
      };
    }
    const read = events.map((event) => ({
      eventType: 'Presence' as const,
      presence: { type: String((event as { presence: { type: string } }).presence.type) },
    }));
    return { message: { type: 'Event', events: read, ...(customAttributes ? { customAttributes } : {}) } };
  }
  return { field: 'message.type', problem: 'must be Text or Event', code: badRequest };
}

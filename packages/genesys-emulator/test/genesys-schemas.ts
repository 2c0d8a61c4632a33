import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The response shapes of docs/genesys-platform.md as JSON Schemas. Emulator responses are
 * checked against them so it cannot drift into a shape of its own. Objects are closed
 * (additionalProperties: false) to the fields the notes and SDK models name.
 */
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);

const dateTime = { type: 'string', format: 'date-time' } as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

export const errorBodySchema = {
  type: 'object',
  required: ['message', 'code', 'status', 'messageWithParams', 'messageParams', 'contextId', 'details', 'errors'],
  additionalProperties: false,
  properties: {
    message: { type: 'string' },
    code: { type: 'string' },
    status: { type: 'integer' },
    messageWithParams: { type: 'string' },
    messageParams: stringMap,
    contextId: uuid,
    details: { type: 'array' },
    errors: { type: 'array' },
  },
};

export const oauthErrorSchema = {
  type: 'object',
  required: ['error', 'description', 'error_description'],
  additionalProperties: false,
  properties: { error: { type: 'string' }, description: { type: 'string' }, error_description: { type: 'string' } },
};

export const tokenSchema = {
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in'],
  additionalProperties: false,
  properties: {
    access_token: { type: 'string', minLength: 16 },
    token_type: { type: 'string', pattern: '^[Bb][Ee][Aa][Rr][Ee][Rr]$' },
    expires_in: { type: 'integer', minimum: 1 },
  },
};

const participantSchema = {
  type: 'object',
  required: ['id', 'purpose', 'attributes'],
  additionalProperties: false,
  properties: {
    id: uuid,
    startTime: dateTime,
    endTime: dateTime,
    connectedTime: dateTime,
    name: { type: 'string' },
    purpose: { type: 'string' },
    participantType: { type: 'string' },
    queueId: uuid,
    userId: uuid,
    userUri: { type: 'string' },
    wrapupRequired: { type: 'boolean' },
    attributes: stringMap,
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'state', 'direction'],
        properties: { id: uuid, state: { type: 'string' }, direction: { type: 'string' }, type: { type: 'string' } },
      },
    },
  },
};

export const conversationSchema = {
  type: 'object',
  required: ['id', 'startTime', 'participants', 'selfUri'],
  additionalProperties: false,
  properties: {
    id: uuid,
    startTime: dateTime,
    endTime: dateTime,
    participants: { type: 'array', items: participantSchema },
    divisions: { type: 'array' },
    recordingState: { type: 'string' },
    selfUri: { type: 'string', pattern: '^/api/v2/conversations/[0-9a-f-]{36}$' },
  },
};

export const messageConversationSchema = {
  type: 'object',
  required: ['id', 'participants', 'selfUri'],
  additionalProperties: false,
  properties: {
    id: uuid,
    selfUri: { type: 'string', pattern: '^/api/v2/conversations/messages/[0-9a-f-]{36}$' },
    participants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'purpose', 'state', 'direction', 'type', 'attributes'],
        additionalProperties: false,
        properties: {
          id: uuid,
          name: { type: 'string' },
          startTime: dateTime,
          connectedTime: dateTime,
          endTime: dateTime,
          userId: uuid,
          queueId: uuid,
          purpose: { type: 'string' },
          state: { type: 'string' },
          direction: { type: 'string' },
          held: { type: 'boolean' },
          wrapupRequired: { type: 'boolean' },
          attributes: stringMap,
          type: { enum: ['webmessaging', 'sms', 'facebook', 'twitter', 'line', 'whatsapp', 'open', 'instagram', 'apple'] },
          authenticated: { type: 'boolean' },
          messages: { type: 'array' },
        },
      },
    },
  },
};

function analyticsConversationSchema(withAttributes: boolean) {
  return {
    type: 'object',
    required: ['conversationId', 'conversationStart', 'participants'],
    additionalProperties: false,
    properties: {
      conversationId: uuid,
      conversationStart: dateTime,
      conversationEnd: dateTime,
      originatingDirection: { type: 'string' },
      divisionIds: { type: 'array', items: uuid },
      participants: {
        type: 'array',
        items: {
          type: 'object',
          required: withAttributes ? ['participantId', 'purpose', 'sessions', 'attributes'] : ['participantId', 'purpose', 'sessions'],
          additionalProperties: false,
          properties: {
            participantId: uuid,
            participantName: { type: 'string' },
            purpose: { type: 'string' },
            userId: uuid,
            sessions: { type: 'array' },
            ...(withAttributes ? { attributes: stringMap } : {}),
          },
        },
      },
    },
  };
}

export const detailsQueryResponseSchema = {
  type: 'object',
  required: ['totalHits'],
  additionalProperties: false,
  properties: { totalHits: { type: 'integer' }, conversations: { type: 'array', items: analyticsConversationSchema(false) } },
};

export const jobResultsSchema = {
  type: 'object',
  required: ['conversations', 'dataAvailabilityDate'],
  additionalProperties: false,
  properties: {
    conversations: { type: 'array', items: analyticsConversationSchema(true) },
    cursor: { type: 'string' },
    dataAvailabilityDate: dateTime,
  },
};

const compiled = new Map<object, ValidateFunction>();

/** Asserts that `body` fits `schema`, failing with every mismatch listed. */
export function expectShape(body: unknown, schema: object): void {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(body)) {
    throw new Error(`response does not match the Genesys shape:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(body, null, 2)}`);
  }
}

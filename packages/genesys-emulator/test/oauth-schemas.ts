import Ajv, { type ValidateFunction } from 'ajv';

/**
 * The OAuth token endpoint's answers as JSON Schemas (the login host is not part of the Platform
 * API, so the SDK declares no model for them; Platform API answers are checked against the SDK's
 * models in platform-models.ts). Objects are closed to the fields Genesys documents.
 */
const ajv = new Ajv({ allErrors: true, strict: true });

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

const compiled = new Map<object, ValidateFunction>();

/** Asserts that `body` fits `schema`, failing with every mismatch listed. */
export function expectShape(body: unknown, schema: object): void {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(body)) {
    throw new Error(
      `response does not match the Genesys shape:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(body, null, 2)}`,
    );
  }
}

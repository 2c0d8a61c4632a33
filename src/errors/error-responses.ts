import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto, type ErrorDetailDto } from './error-body.dto';

/** An example of the standard error body, for Swagger. */
export const errorExample = (
  statusCode: number,
  error: string,
  message: string,
  details: ErrorDetailDto[] = [],
): ErrorBodyDto => ({
  statusCode,
  error,
  message,
  details,
  requestId: '0f8e3c5a-3a43-4c65-8a0f-1c2d3e4f5a6b',
});

/** 401 as the auth guard answers it; `details[0].code` says why. */
export const ApiUnauthorizedError = () =>
  ApiUnauthorizedResponse({
    type: ErrorBodyDto,
    description:
      'No valid bearer token; `details[0].code` says why (token_missing, token_expired, token_not_yet_valid, token_without_expiry, token_issued_in_future, token_lifetime_too_long, issuer_mismatch, audience_mismatch, token_invalid).',
    example: errorExample(401, 'unauthorized', 'The token has expired.', [
      { code: 'token_expired', message: 'The token has expired.' },
    ]),
  });

/** 403 when the token lacks `scope`. */
export const ApiInsufficientScopeError = (scope: string) =>
  ApiForbiddenResponse({
    type: ErrorBodyDto,
    description: `\`insufficient_scope\`: the token lacks \`${scope}\`.`,
    example: errorExample(403, 'insufficient_scope', `The token lacks the scope this endpoint requires: ${scope}.`, [
      { field: 'scope', code: 'missing_scope', message: scope },
    ]),
  });

/** 400 from the validation pipe, with one detail as the example. */
export const ApiValidationError = (description: string, detail: ErrorDetailDto) =>
  ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: `\`validation_failed\`: ${description}`,
    example: errorExample(400, 'validation_failed', 'The request is invalid.', [detail]),
  });

/** 422 `attributes_invalid`, with one detail as the example. */
export const ApiAttributesInvalidError = (description: string, message: string, detail: ErrorDetailDto) =>
  ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description,
    example: errorExample(422, 'attributes_invalid', message, [detail]),
  });

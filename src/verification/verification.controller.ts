import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, applyDecorators } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBearerAuth,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { BEARER_AUTH, RequireScopes } from '../auth/auth.decorators';
import { ErrorBodyDto } from '../errors/error-body.dto';
import {
  ApiAttributesInvalidError,
  ApiInsufficientScopeError,
  ApiUnauthorizedError,
  ApiValidationError,
  errorExample,
} from '../errors/error-responses';
import { validationErrorFactory } from '../errors/validation-error.factory';
import { BatchVerificationDto } from './dto/batch-verification.dto';
import {
  BatchVerificationRequestDto,
  ExpectedAttributesDto,
  SignatureCheckDto,
  SignatureCheckRequestDto,
} from './dto/verification-requests.dto';
import { VerificationReportDto } from './dto/verification-report.dto';
import { BATCH_EXAMPLE, REPORT_EXAMPLES, SIGNATURE_CHECK_EXAMPLES } from './verification.examples';
import { VerificationService } from './verification.service';

/** The id goes into an upstream URL path: nothing but a UUID may get there. */
const conversationIdPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    validationErrorFactory([
      { property: 'conversationId', constraints: { isUuid: 'conversationId must be a UUID' }, children: [] },
    ]),
});

const messageIdPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    validationErrorFactory([
      { property: 'messageId', constraints: { isUuid: 'messageId must be a UUID' }, children: [] },
    ]),
});

const ConversationIdParam = () =>
  applyDecorators(
    ApiParam({
      name: 'conversationId',
      description: 'The Genesys Cloud conversation id.',
      schema: { type: 'string', format: 'uuid' },
      example: '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f',
    }),
    ApiValidationError('the id is not a UUID (nothing is sent upstream), or the body is malformed.', {
      field: 'conversationId',
      code: 'isUuid',
      message: 'conversationId must be a UUID',
    }),
  );

/** The upstream outcomes a conversation lookup can end in, for Swagger, each with an example body. */
const UpstreamErrorResponses = (unknown: 'conversation' | 'message' = 'conversation') =>
  applyDecorators(
    ApiNotFoundResponse({
      type: ErrorBodyDto,
      description: `Genesys Cloud does not know the ${unknown}.`,
      example: errorExample(404, `${unknown}_not_found`, `Genesys Cloud has no ${unknown} with this id.`),
    }),
    ApiBadGatewayResponse({
      type: ErrorBodyDto,
      description:
        "`upstream_auth_failed` (Genesys refused the service's token twice), `upstream_forbidden` (the OAuth client lacks a permission), `upstream_unavailable` (5xx after retries), `upstream_invalid_response` (an answer that is not a conversation).",
      examples: {
        upstream_auth_failed: {
          summary: 'Token refused twice',
          value: errorExample(
            502,
            'upstream_auth_failed',
            "Genesys Cloud did not accept the service's credentials: a freshly issued token was refused",
          ),
        },
        upstream_forbidden: {
          summary: 'Missing permission',
          value: errorExample(
            502,
            'upstream_forbidden',
            'The Genesys Cloud OAuth client lacks a permission: conversation:communication:view',
            [{ field: 'permission', code: 'missing_permission', message: 'conversation:communication:view' }],
          ),
        },
        upstream_unavailable: {
          summary: '5xx after retries',
          value: errorExample(502, 'upstream_unavailable', 'Genesys Cloud is unavailable: status 503'),
        },
        upstream_invalid_response: {
          summary: 'Not a conversation',
          value: errorExample(
            502,
            'upstream_invalid_response',
            "Genesys Cloud's answer cannot be used: participants[0] is not a participant with an id and a purpose.",
          ),
        },
      },
    }),
    ApiTooManyRequestsResponse({
      type: ErrorBodyDto,
      description: "Genesys's Retry-After exceeds the retry budget; retry after this response's `Retry-After` header.",
      example: errorExample(
        429,
        'upstream_rate_limited',
        'Genesys Cloud is rate limiting this service; retry after 120 s.',
      ),
    }),
    ApiGatewayTimeoutResponse({
      type: ErrorBodyDto,
      description: 'Genesys Cloud did not answer in time.',
      example: errorExample(504, 'upstream_unavailable', 'Genesys Cloud did not answer in time.'),
    }),
  );

const ReportResponse = () => ApiOkResponse({ type: VerificationReportDto, examples: REPORT_EXAMPLES });

@ApiTags('verification')
@ApiBearerAuth(BEARER_AUTH)
@RequireScopes('conversations:verify')
@ApiUnauthorizedError()
@ApiInsufficientScopeError('conversations:verify')
@Controller('api/verification')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  /** Did the visitor's attributes reach this conversation as issued? One row per attribute; docs/verification.md's report table defines every status. */
  @Get('conversations/:conversationId')
  @ConversationIdParam()
  @UpstreamErrorResponses()
  @ReportResponse()
  verify(@Param('conversationId', conversationIdPipe) conversationId: string): Promise<VerificationReportDto> {
    return this.verification.verifyConversation(conversationId);
  }

  /**
   * The report of the conversation a visitor's web message belongs to: what a page or a synthetic customer knows is
   * the message id Messenger echoed, not the conversation id.
   */
  @Get('messages/:messageId')
  @ApiParam({
    name: 'messageId',
    description: 'The id of a message the visitor sent (the Guest API echoes it).',
    schema: { type: 'string', format: 'uuid' },
  })
  @ApiValidationError('the id is not a UUID (nothing is sent upstream).', {
    field: 'messageId',
    code: 'isUuid',
    message: 'messageId must be a UUID',
  })
  @UpstreamErrorResponses('message')
  @ReportResponse()
  verifyMessage(@Param('messageId', messageIdPipe) messageId: string): Promise<VerificationReportDto> {
    return this.verification.verifyMessage(messageId);
  }

  /**
   * The same report, also comparing the names listed in `expected` with the values given; the other attributes are
   * judged as by the GET.
   */
  @Post('conversations/:conversationId')
  @HttpCode(200)
  @ConversationIdParam()
  @UpstreamErrorResponses()
  @ReportResponse()
  @ApiAttributesInvalidError(
    '`attributes_invalid`: a value in `expected` is not a string (each one named), or names the signature attribute.',
    'Some entries of expected cannot be attributes.',
    {
      field: 'expected.userTier',
      code: 'not_a_string',
      message: 'expected.userTier must be a string, as every custom attribute is',
    },
  )
  verifyAgainst(
    @Param('conversationId', conversationIdPipe) conversationId: string,
    @Body() body: ExpectedAttributesDto,
  ): Promise<VerificationReportDto> {
    return this.verification.verifyConversation(conversationId, body.expected);
  }

  /**
   * Whether a signature holds for an attribute map and is in force now; shaped for a Genesys Architect data action to
   * call before routing on an attribute.
   */
  @Post('signature')
  @HttpCode(200)
  @ApiOkResponse({ type: SignatureCheckDto, examples: SIGNATURE_CHECK_EXAMPLES })
  @ApiValidationError('the body is not `{ attributes: {...} }`.', {
    field: 'attributes',
    code: 'isObject',
    message: 'attributes must be an object',
  })
  @ApiAttributesInvalidError(
    '`attributes_invalid`: a value is not a string (each one named).',
    'Some entries of attributes cannot be attributes.',
    {
      field: 'attributes.attributesSignature',
      code: 'not_a_string',
      message: 'attributes.attributesSignature must be a string, as every custom attribute is',
    },
  )
  signature(@Body() body: SignatureCheckRequestDto): SignatureCheckDto {
    return this.verification.checkSignature(body.attributes);
  }

  /**
   * 1 to 100 conversations in one call, fetched concurrently within the client's rate limit. Always 200 once the
   * request is valid: each entry holds its report, or the error that id alone ran into (404, 429, 502, 504).
   */
  @Post('conversations::batch')
  @HttpCode(200)
  @ApiOkResponse({ type: BatchVerificationDto, example: BATCH_EXAMPLE })
  @ApiValidationError('not 1 to 100 UUIDs.', {
    field: 'conversationIds',
    code: 'arrayMaxSize',
    message: 'conversationIds must contain no more than 100 elements',
  })
  async batch(@Body() body: BatchVerificationRequestDto): Promise<BatchVerificationDto> {
    return { results: await this.verification.verifyBatch(body.conversationIds) };
  }
}

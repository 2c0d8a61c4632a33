import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, applyDecorators } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { ErrorBodyDto } from '../errors/error-body.dto';
import { validationErrorFactory } from '../errors/validation-error.factory';
import { BEARER_AUTH } from '../openapi/openapi-document';
import { BatchVerificationDto } from './dto/batch-verification.dto';
import { BatchVerificationRequestDto, ExpectedAttributesDto, SignatureCheckDto, SignatureCheckRequestDto } from './dto/verification-requests.dto';
import { VerificationReportDto } from './dto/verification-report.dto';
import { VerificationService } from './verification.service';

/** The id goes into an upstream URL path: nothing but a UUID may get there. */
const conversationIdPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    validationErrorFactory([{ property: 'conversationId', constraints: { isUuid: 'conversationId must be a UUID' }, children: [] }]),
});

const errorExample = (statusCode: number, error: string, message: string, details: object[] = []) => ({
  statusCode,
  error,
  message,
  details,
  requestId: '0f8e3c5a-3a43-4c65-8a0f-1c2d3e4f5a6b',
});

/** The upstream outcomes a conversation lookup can end in, for Swagger, each with an example body. */
const UpstreamErrorResponses = () =>
  applyDecorators(
    ApiNotFoundResponse({
      type: ErrorBodyDto,
      description: 'Genesys Cloud does not know the conversation.',
      example: errorExample(404, 'conversation_not_found', 'Genesys Cloud has no conversation with this id.'),
    }),
    ApiBadGatewayResponse({
      type: ErrorBodyDto,
      description:
        "`upstream_auth_failed` (Genesys refused the service's token twice), `upstream_forbidden` (the OAuth client lacks a permission), `upstream_unavailable` (5xx after retries).",
      examples: {
        upstream_auth_failed: {
          summary: 'Token refused twice',
          value: errorExample(502, 'upstream_auth_failed', "Genesys Cloud did not accept the service's credentials: a freshly issued token was refused"),
        },
        upstream_forbidden: {
          summary: 'Missing permission',
          value: errorExample(502, 'upstream_forbidden', 'The Genesys Cloud OAuth client lacks a permission: conversation:communication:view', [
            { field: 'permission', code: 'missing_permission', message: 'conversation:communication:view' },
          ]),
        },
        upstream_unavailable: {
          summary: '5xx after retries',
          value: errorExample(502, 'upstream_unavailable', 'Genesys Cloud is unavailable: status 503'),
        },
      },
    }),
    ApiTooManyRequestsResponse({
      type: ErrorBodyDto,
      description: "Genesys's Retry-After exceeds the retry budget; retry after this response's `Retry-After` header.",
      example: errorExample(429, 'upstream_rate_limited', 'Genesys Cloud is rate limiting this service; retry after 120 s.'),
    }),
    ApiGatewayTimeoutResponse({
      type: ErrorBodyDto,
      description: 'Genesys Cloud did not answer in time.',
      example: errorExample(504, 'upstream_unavailable', 'Genesys Cloud did not answer in time.'),
    }),
  );

@ApiTags('verification')
@ApiBearerAuth(BEARER_AUTH)
@RequireScopes('conversations:verify')
@ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'No valid bearer token.' })
@ApiForbiddenResponse({ type: ErrorBodyDto, description: '`insufficient_scope`: the token lacks `conversations:verify`.' })
@Controller('api/verification')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  /** Did the visitor's attributes reach this conversation as issued? One row per attribute. */
  @Get('conversations/:conversationId')
  @UpstreamErrorResponses()
  @ApiOkResponse({ type: VerificationReportDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'The id is not a UUID (nothing is sent upstream).',
    example: errorExample(400, 'validation_failed', 'The request is invalid.', [
      { field: 'conversationId', code: 'isUuid', message: 'conversationId must be a UUID' },
    ]),
  })
  verify(@Param('conversationId', conversationIdPipe) conversationId: string): Promise<VerificationReportDto> {
    return this.verification.verifyConversation(conversationId);
  }

  /** The same report, comparing with the expected attributes given (instead of, or besides, the signature and ledger). */
  @Post('conversations/:conversationId')
  @HttpCode(200)
  @UpstreamErrorResponses()
  @ApiOkResponse({ type: VerificationReportDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: '`validation_failed`: the id is not a UUID, or the body is malformed.' })
  verifyAgainst(
    @Param('conversationId', conversationIdPipe) conversationId: string,
    @Body() body: ExpectedAttributesDto,
  ): Promise<VerificationReportDto> {
    return this.verification.verifyConversation(conversationId, body.expected);
  }

  /** Verifies a signature against an attribute map; shaped for a Genesys Architect data action before routing on an attribute. */
  @Post('signature')
  @HttpCode(200)
  @ApiOkResponse({ type: SignatureCheckDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: '`validation_failed`: the body is not `{ attributes: {...} }`.' })
  signature(@Body() body: SignatureCheckRequestDto): SignatureCheckDto {
    return this.verification.checkSignature(body.attributes);
  }

  /** Up to 100 conversations in one call, fetched concurrently within the client's rate limit; one result per id. */
  @Post('conversations::batch')
  @HttpCode(200)
  @UpstreamErrorResponses()
  @ApiOkResponse({ type: BatchVerificationDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: '`validation_failed`: not 1 to 100 UUIDs.' })
  async batch(@Body() body: BatchVerificationRequestDto): Promise<BatchVerificationDto> {
    return { results: await this.verification.verifyBatch(body.conversationIds) };
  }
}

import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { BEARER_AUTH, Caller, RequireScopes } from '../auth/auth.decorators';
import type { AuthenticatedCaller } from '../auth/authenticated-caller';
import { ErrorBodyDto } from '../errors/error-body.dto';
import {
  ApiInsufficientScopeError,
  ApiUnauthorizedError,
  ApiValidationError,
  errorExample,
} from '../errors/error-responses';
import { validationErrorFactory } from '../errors/validation-error.factory';
import { AuditService, auditReaderOf } from './audit.service';
import { RollingAudit } from './rolling-audit';
import { RollingAuditDto } from './dto/rolling-audit.dto';
import { AttributeFindingsDto, AuditDto } from './dto/audit.dto';
import { AuditVerdictDto, VisitorConversationsDto } from './dto/audit-verdict.dto';
import { CreateAuditDto } from './dto/create-audit.dto';
import { VisitorSearchQueryDto } from './dto/visitor-search.dto';

const auditIdPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    validationErrorFactory([{ property: 'auditId', constraints: { isUuid: 'auditId must be a UUID' }, children: [] }]),
});

const AuditNotFound = () =>
  ApiNotFoundResponse({
    type: ErrorBodyDto,
    description:
      "No audit with this id that the caller may see: an audit is its creator's (the token's sub) and any audits:admin caller's. Kept AUDIT_RETENTION_HOURS.",
    example: errorExample(
      404,
      'audit_not_found',
      'There is no audit with this id (audits are kept for AUDIT_RETENTION_HOURS).',
    ),
  });

const AuditIdMalformed = () =>
  ApiValidationError('the audit id is not a UUID.', {
    field: 'auditId',
    code: 'isUuid',
    message: 'auditId must be a UUID',
  });

const StoreUnavailable = () =>
  ApiServiceUnavailableResponse({
    type: ErrorBodyDto,
    description: 'Audits are kept on Redis, and it does not answer (Retry-After).',
    example: errorExample(
      503,
      'shared_state_unavailable',
      'Audits are kept on Redis, which is not answering; retry shortly.',
    ),
  });

@ApiTags('audits')
@ApiBearerAuth(BEARER_AUTH)
@RequireScopes('conversations:verify')
@ApiUnauthorizedError()
@ApiInsufficientScopeError('conversations:verify')
@ApiExtraModels(AttributeFindingsDto, AuditVerdictDto)
@StoreUnavailable()
@Controller('api/verification')
export class AuditController {
  constructor(
    private readonly audits: AuditService,
    private readonly rolling: RollingAudit,
  ) {}

  /**
   * Audits a period's web messaging conversations through Genesys analytics details jobs (a few paged requests, not one
   * per conversation): 202 at once, then poll the audit. Periods are split into jobs of at most 31 days; what lies past
   * the analytics availability date is reported as not yet available.
   */
  @Post('audits')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AuditDto, description: 'Queued; `Location` names the audit.' })
  @ApiValidationError(
    'the period or a filter is malformed, the period ends before it starts, or spans more than AUDIT_MAX_DAYS.',
    {
      field: 'since',
      code: 'matches',
      message: 'since must be an ISO 8601 date-time with an offset, e.g. 2026-11-30T00:00:00Z',
    },
  )
  async create(
    @Body() body: CreateAuditDto,
    @Caller() caller: AuthenticatedCaller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuditDto> {
    const audit = await this.audits.create(body, caller.subject);
    reply.header('location', `/api/verification/audits/${audit.id}`);
    return audit;
  }

  /**
   * The rolling audit (AUDIT_SCHEDULE): how far it has judged every conversation, the window under way, and the counts
   * so far. Its audits belong to no caller: audits:admin reads them.
   */
  @Get('audits/rolling')
  @ApiOkResponse({ type: RollingAuditDto })
  rollingAudit(): Promise<RollingAuditDto> {
    return this.rolling.view();
  }

  /** The audit's state (queued, running with the Genesys job's state, done, failed, cancelled), progress and summary so far. */
  @Get('audits/:auditId')
  @ApiParam({ name: 'auditId', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: AuditDto })
  @AuditIdMalformed()
  @AuditNotFound()
  find(@Param('auditId', auditIdPipe) id: string, @Caller() caller: AuthenticatedCaller): Promise<AuditDto> {
    return this.audits.find(id, auditReaderOf(caller));
  }

  /**
   * One verdict per conversation, streamed: NDJSON (one AuditVerdictDto per line), or CSV with `Accept: text/csv`.
   * While the audit runs, the verdicts so far (`X-Audit-State` says which).
   */
  @Get('audits/:auditId/results')
  @ApiParam({ name: 'auditId', schema: { type: 'string', format: 'uuid' } })
  // The verdicts come as NDJSON or CSV; the errors, like every error, as the JSON error body.
  @ApiOkResponse({
    description: 'NDJSON lines of AuditVerdictDto, or CSV with the same fields.',
    content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } },
  })
  @AuditIdMalformed()
  @AuditNotFound()
  async results(
    @Param('auditId', auditIdPipe) id: string,
    @Headers('accept') accept: string | undefined,
    @Caller() caller: AuthenticatedCaller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const format = (accept ?? '').slice(0, 512).toLowerCase().includes('text/csv') ? 'csv' : 'ndjson';
    const { state, lines } = await this.audits.results(id, format, auditReaderOf(caller));
    reply.header('x-audit-state', state);
    return new StreamableFile(Readable.from(lines), {
      type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      ...(format === 'csv' ? { disposition: `attachment; filename="audit-${id}.csv"` } : {}),
    });
  }

  /** Cancels a queued or running audit, and its Genesys details job; the verdicts so far stay readable. */
  @Delete('audits/:auditId')
  @ApiParam({ name: 'auditId', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: AuditDto, description: 'Cancelled.' })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'The audit has ended already.',
    example: errorExample(409, 'audit_ended', 'The audit has ended (done); there is nothing to cancel.'),
  })
  @AuditIdMalformed()
  @AuditNotFound()
  cancel(@Param('auditId', auditIdPipe) id: string, @Caller() caller: AuthenticatedCaller): Promise<AuditDto> {
    return this.audits.cancel(id, auditReaderOf(caller));
  }

  /**
   * A visitor's web messaging conversations since a date, each with its verdict (by the identity attribute that arrived,
   * signed or not): 200 when the search finishes within VISITOR_SEARCH_WAIT_MS, else 202 with the audit doing it.
   */
  @Get('visitors/:userId/conversations')
  @ApiParam({
    name: 'userId',
    description: "The visitor's user id (the registry's identity attribute).",
    example: 'usr_1001',
  })
  @ApiOkResponse({ type: VisitorConversationsDto })
  @ApiAcceptedResponse({ type: AuditDto, description: 'Still searching: poll the audit, then read its results.' })
  @ApiValidationError('since is missing or malformed, or the user id is longer than 256 characters.', {
    field: 'since',
    code: 'matches',
    message: 'since must be an ISO 8601 date-time with an offset, e.g. 2026-11-30T00:00:00Z',
  })
  async visitorConversations(
    @Param('userId') userId: string,
    @Query() query: VisitorSearchQueryDto,
    @Caller() caller: AuthenticatedCaller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VisitorConversationsDto | AuditDto> {
    if (userId.length > 256) {
      throw validationErrorFactory([
        { property: 'userId', constraints: { maxLength: 'userId must be at most 256 characters' }, children: [] },
      ]);
    }
    const outcome = await this.audits.visitorConversations(userId, query.since, caller.subject);
    if ('done' in outcome) return outcome.done;
    reply.code(202).header('location', `/api/verification/audits/${outcome.pending.id}`);
    return outcome.pending;
  }
}

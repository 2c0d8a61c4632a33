import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { SharedStateUnavailableError } from '../cache-store/shared-state.store';
import { CLOCK, type Clock } from '../clock/clock';
import { ApiError } from '../errors/api-error';
import { GenesysClient } from '../genesys/genesys.client';
import { ServiceMetrics } from '../metrics/service-metrics';
import { splitSpan } from './audit-plan';
import { AuditScheduler } from './audit-scheduler';
import { AuditCapacityError, AuditStore, newAuditRecord, type StoredAudit } from './audit-store';
import { unsignedRate } from './audit-summary';
import { CSV_HEADER, csvLine, type AuditVerdict } from './audit-verdict';
import { auditConfig, type AuditConfig } from './audit.config';
import type { AuditDto } from './dto/audit.dto';
import type { CreateAuditDto } from './dto/create-audit.dto';
import type { VisitorConversationsDto } from './dto/audit-verdict.dto';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Verdict lines read from the store at a time while streaming results. */
const STREAM_CHUNK = 1000;
/** A visitor search answers at most this many conversations; the audit holds them all. */
const VISITOR_CONVERSATIONS = 1000;
const VISITOR_POLL_MS = 250;

export type ResultsFormat = 'ndjson' | 'csv';

/** The scope that sees every audit; without it a caller sees only the audits it created. */
export const AUDITS_ADMIN_SCOPE = 'audits:admin';

/**
 * Who asks for an audit. An audit belongs to the subject that created it: its results name
 * visitors, and a visitor search says whom someone looked for. Another caller is told there is
 * no such audit (404, not 403, which would confirm the id); an audits:admin caller sees all.
 */
export interface AuditReader {
  subject: string;
  admin: boolean;
}

export const auditReaderOf = (caller: { subject: string; scopes: ReadonlySet<string> }): AuditReader => ({
  subject: caller.subject,
  admin: caller.scopes.has(AUDITS_ADMIN_SCOPE),
});

const notFound = () =>
  new ApiError(
    HttpStatus.NOT_FOUND,
    'audit_not_found',
    'There is no audit with this id (audits are kept for AUDIT_RETENTION_HOURS).',
  );

/** Audits of whole periods: created here, run by the scheduler's runner, read back from the store by any instance. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly store: AuditStore,
    private readonly scheduler: AuditScheduler,
    private readonly genesys: GenesysClient,
    @Inject(auditConfig.KEY) private readonly config: AuditConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: ServiceMetrics,
  ) {}

  async create(request: CreateAuditDto, requestedBy: string): Promise<AuditDto> {
    const now = this.clock.now();
    const start = Date.parse(request.since);
    const end = request.until === undefined ? now : Date.parse(request.until);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'invalid_period', 'The period must end after it starts.', [
        { field: 'until', code: 'invalid_period', message: 'until must be after since' },
      ]);
    }
    if (end - start > this.config.maxDays * DAY_MS) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        'invalid_period',
        `An audit covers at most ${this.config.maxDays} days (AUDIT_MAX_DAYS).`,
        [
          {
            field: 'since',
            code: 'period_too_long',
            message: `the period spans more than ${this.config.maxDays} days`,
          },
        ],
      );
    }
    const record = newAuditRecord(new Date(now).toISOString(), requestedBy, {
      start,
      end,
      queueIds: [...new Set(request.queueIds ?? [])],
      ...(request.userId !== undefined ? { userId: request.userId } : {}),
    });
    await this.stored(() => this.store.create(record));
    await this.stored(() => this.scheduler.enqueue(record.id));
    return viewOf({ record, state: 'queued' });
  }

  async find(id: string, reader: AuditReader): Promise<AuditDto> {
    return viewOf(await this.visible(id, reader));
  }

  /** Cancels a queued or running audit and its Genesys job; an audit that has ended stays as it ended (409). */
  async cancel(id: string, reader: AuditReader): Promise<AuditDto> {
    await this.visible(id, reader);
    const previous = await this.stored(() =>
      this.store.transition(id, ['queued', 'running'], 'cancelled', new Date(this.clock.now()).toISOString()),
    );
    if (previous === undefined) throw notFound();
    const audit = await this.found(id);
    if (previous !== 'queued' && previous !== 'running') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'audit_ended',
        `The audit has ended (${previous}); there is nothing to cancel.`,
      );
    }
    this.metrics.audits.inc({ outcome: 'cancelled' });
    // The stored job is cancelled here, whether or not a runner is still alive; a job the runner submits after this
    // read it cancels itself.
    const jobId = audit.record.progress.jobId;
    if (jobId !== undefined) {
      await this.genesys
        .cancelDetailsJob(jobId)
        .catch((error: Error) => this.logger.warn(`Cancelling the details job failed: ${error.message}`));
    }
    return viewOf(audit);
  }

  /** The verdicts stored so far, read a chunk at a time as the stream is consumed: never the whole list in memory. */
  async results(
    id: string,
    format: ResultsFormat,
    reader: AuditReader,
  ): Promise<{ state: StoredAudit['state']; lines: AsyncGenerator<string> }> {
    const audit = await this.visible(id, reader);
    return { state: audit.state, lines: this.resultLines(id, format) };
  }

  private async *resultLines(id: string, format: ResultsFormat): AsyncGenerator<string> {
    if (format === 'csv') yield CSV_HEADER;
    for (let offset = 0; ; offset += STREAM_CHUNK) {
      const lines = await this.stored(() => this.store.results(id, offset, STREAM_CHUNK));
      if (lines.length === 0) return;
      yield format === 'csv'
        ? lines.map((line) => csvLine(JSON.parse(line) as AuditVerdict)).join('')
        : `${lines.join('\n')}\n`;
      if (lines.length < STREAM_CHUNK) return;
    }
  }

  /**
   * A visitor's conversations since a date, each with its verdict: an audit filtered on the visitor,
   * waited for up to VISITOR_SEARCH_WAIT_MS; the audit itself when it takes longer.
   */
  async visitorConversations(
    userId: string,
    since: string,
    requestedBy: string,
  ): Promise<{ done: VisitorConversationsDto } | { pending: AuditDto }> {
    const created = await this.create({ since, userId }, requestedBy);
    const deadline = this.clock.now() + this.config.visitorSearchWaitMs;
    let audit = await this.found(created.id);
    while ((audit.state === 'queued' || audit.state === 'running') && this.clock.now() < deadline) {
      await this.clock.sleep(Math.min(VISITOR_POLL_MS, Math.max(1, deadline - this.clock.now())));
      audit = await this.found(created.id);
    }
    if (audit.state === 'failed') {
      throw new ApiError(
        HttpStatus.BAD_GATEWAY,
        audit.record.failure?.code ?? 'audit_failed',
        audit.record.failure?.message ?? 'The search failed.',
      );
    }
    if (audit.state !== 'done') return { pending: viewOf(audit) };
    const lines = await this.stored(() => this.store.results(created.id, 0, VISITOR_CONVERSATIONS + 1));
    return {
      done: {
        userId,
        auditId: created.id,
        since: new Date(audit.record.request.start).toISOString(),
        until: new Date(audit.record.request.end).toISOString(),
        ...(audit.record.coverage?.notYetAvailable
          ? { notYetAvailableFrom: new Date(audit.record.coverage.notYetAvailable.start).toISOString() }
          : {}),
        conversations: lines.slice(0, VISITOR_CONVERSATIONS).map((line) => JSON.parse(line) as AuditVerdict),
        more: lines.length > VISITOR_CONVERSATIONS,
      },
    };
  }

  private async found(id: string): Promise<StoredAudit> {
    const audit = await this.stored(() => this.store.find(id));
    if (!audit) throw notFound();
    return audit;
  }

  /** The audit when the reader may see it (AuditReader); otherwise it does not exist for them. */
  private async visible(id: string, reader: AuditReader): Promise<StoredAudit> {
    const audit = await this.found(id);
    if (!reader.admin && audit.record.requestedBy !== reader.subject) throw notFound();
    return audit;
  }

  /** Audits live on Redis when it is configured: one that does not answer is a 503, never a half-kept audit. */
  private async stored<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof SharedStateUnavailableError) {
        throw new ApiError(
          HttpStatus.SERVICE_UNAVAILABLE,
          'shared_state_unavailable',
          'Audits are kept on Redis, which is not answering; retry shortly.',
          [],
          { 'retry-after': '5' },
        );
      }
      if (error instanceof AuditCapacityError) {
        throw new ApiError(
          HttpStatus.TOO_MANY_REQUESTS,
          'too_many_audits',
          `${error.message}; retry when one has ended.`,
          [],
          { 'retry-after': '60' },
        );
      }
      throw error;
    }
  }
}

const spanOf = (span: { start: number; end: number }) => ({
  start: new Date(span.start).toISOString(),
  end: new Date(span.end).toISOString(),
});

function viewOf({ record, state, endedAt }: StoredAudit): AuditDto {
  const { progress, summary, request } = record;
  const windows = record.coverage
    ? progress.windows.length
    : splitSpan({ start: request.start, end: request.end }).length;
  return {
    id: record.id,
    state,
    period: spanOf(request),
    queueIds: request.queueIds,
    ...(request.userId !== undefined ? { userId: request.userId } : {}),
    createdAt: record.createdAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(record.coverage
      ? {
          coverage: {
            dataAvailabilityDate: record.coverage.dataAvailabilityDate,
            ...(record.coverage.audited ? { audited: spanOf(record.coverage.audited) } : {}),
            ...(record.coverage.notYetAvailable ? { notYetAvailable: spanOf(record.coverage.notYetAvailable) } : {}),
          },
        }
      : {}),
    progress: {
      ...(progress.genesysJobState && state === 'running' ? { genesysJobState: progress.genesysJobState } : {}),
      jobs: windows,
      jobsDone: Math.min(progress.windowIndex, windows),
      pagesRead: progress.pagesRead,
      conversationsChecked: summary.conversations,
      conversationLookups: progress.lookups,
      runs: record.runs,
    },
    summary: {
      conversations: summary.conversations,
      byStatus: summary.byStatus as Record<string, number>,
      attributes: summary.attributes,
      unsignedRate: unsignedRate(summary),
      tamperedWithoutIssuedSet: summary.tamperedWithoutIssuedSet ?? 0,
      noCustomAttributes: summary.noCustomAttributes,
      truncated: summary.truncated,
      settledByConversation: summary.settledByConversation,
    },
    ...(record.failure ? { failure: record.failure } : {}),
    results: `/api/verification/audits/${record.id}/results`,
  };
}

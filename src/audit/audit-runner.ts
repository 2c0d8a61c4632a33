import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { SharedStateUnavailableError } from '../cache-store/shared-state.store';
import { ApiError } from '../errors/api-error';
import { CLOCK, type Clock } from '../clock/clock';
import { isUnreadable, type AnalyticsConversation, type UnreadableConversation } from '../genesys/analytics-response';
import { GenesysClient } from '../genesys/genesys.client';
import { printableJson } from '../logging/printable-text';
import { ServiceMetrics } from '../metrics/service-metrics';
import type { ConversationSnapshot } from '../verification/verification.service';
import { VerificationService, customerAmong } from '../verification/verification.service';
import { ATTRIBUTE_REGISTRY, type AttributeRegistry } from '../attribute-registry/attribute-definition';
import { coverageOf, detailsJobQuery, splitSpan, startsIn, type Span } from './audit-plan';
import type { AuditRecord } from './audit-store';
import { AuditStore } from './audit-store';
import { tally } from './audit-summary';
import { possiblyCut, verdictOf, type AuditVerdict } from './audit-verdict';
import { auditConfig, type AuditConfig } from './audit.config';

/** Transient failures in a row (rate limits, Genesys or Redis unavailable) after which an audit fails. */
const MAX_TRANSIENT_FAILURES = 8;
const MAX_TRANSIENT_WAIT_MS = 60_000;

/** The audit is no longer running (cancelled): stop without writing. */
class Stopped extends Error {}

/** An audit that cannot go on, with the reason its record gives. */
class AuditFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs one audit from wherever its record says it is to its end, on whichever instance the queue
 * gave it to: the availability date, then per window a Genesys details job (submitted, polled,
 * read page by page), each page's verdicts stored with the progress past them. Every step reads
 * its place from the record, so an audit interrupted anywhere (shutdown, a killed instance)
 * resumes at its last stored page; and every checkpoint learns whether it was cancelled, or taken
 * over by a later run (then this one stops where it is).
 */
@Injectable()
export class AuditRunner {
  private readonly logger = new Logger(AuditRunner.name);

  constructor(
    private readonly store: AuditStore,
    private readonly genesys: GenesysClient,
    private readonly verification: VerificationService,
    @Inject(ATTRIBUTE_REGISTRY) private readonly registry: AttributeRegistry,
    @Inject(auditConfig.KEY) private readonly config: AuditConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: ServiceMetrics,
  ) {}

  /**
   * Returns when the audit has ended, was cancelled, or `shutdown` fired (then it stays running, for the queue to hand
   * on).
   */
  async run(id: string, shutdown: AbortSignal): Promise<void> {
    const run = await this.store.claim(id, this.isoNow());
    if (run === undefined) return;
    // Read after the claim: what an earlier run stored until then is here, and it can store nothing after.
    const found = await this.store.find(id);
    if (!found || found.state !== 'running') return;
    const record = found.record;
    record.runs = run;
    record.startedAt ??= this.isoNow();
    try {
      await this.save(record);
      await this.advance(record, shutdown);
      const finishedAt = this.isoNow();
      record.finishedAt = finishedAt;
      if (await this.stored(() => this.store.finish(record, 'done', finishedAt)))
        this.metrics.audits.inc({ outcome: 'done' });
    } catch (error) {
      if (shutdown.aborted) return;
      if (error instanceof Stopped) return;
      const failure =
        error instanceof AuditFailure
          ? error
          : new AuditFailure('internal_error', 'The audit stopped on an unexpected error.');
      if (!(error instanceof AuditFailure)) this.logger.error(error instanceof Error ? error : String(error));
      await this.fail(record, failure);
    }
  }

  private async advance(record: AuditRecord, shutdown: AbortSignal): Promise<void> {
    const progress = record.progress;
    if (!record.coverage) {
      const dataAvailabilityDate = await this.step(record, shutdown, () => this.genesys.getDetailsJobsAvailability());
      const coverage = coverageOf(
        { start: record.request.start, end: record.request.end },
        Date.parse(dataAvailabilityDate),
      );
      record.coverage = { dataAvailabilityDate, ...coverage };
      progress.windows = coverage.audited ? splitSpan(coverage.audited) : [];
      await this.save(record);
    }
    while (progress.windowIndex < progress.windows.length) {
      const window = progress.windows[progress.windowIndex];
      if (progress.jobId === undefined) {
        progress.jobId = await this.step(record, shutdown, () =>
          this.genesys.submitDetailsJob(detailsJobQuery(window, record.request.queueIds)),
        );
        progress.genesysJobState = 'QUEUED';
        progress.cursor = undefined;
        // Cancelled while the job was being submitted: the canceller could not know this job, so it is cancelled here.
        await this.save(record).catch(async (error: unknown) => {
          if (error instanceof Stopped) await this.stopJob(record);
          throw error;
        });
      }
      await this.awaitFulfilled(record, shutdown);
      await this.readPages(record, window, shutdown);
      progress.windowIndex += 1;
      progress.jobId = undefined;
      progress.genesysJobState = undefined;
      progress.cursor = undefined;
      await this.save(record);
    }
  }

  private async awaitFulfilled(record: AuditRecord, shutdown: AbortSignal): Promise<void> {
    const progress = record.progress;
    for (;;) {
      if (progress.genesysJobState === 'FULFILLED') return;
      const jobId = progress.jobId as string;
      const status = await this.step(record, shutdown, () => this.genesys.getDetailsJob(jobId));
      if (!status || status.state === 'EXPIRED')
        throw new AuditFailure('job_expired', 'Genesys Cloud no longer holds the details job (it expired).');
      if (status.state === 'FAILED')
        throw new AuditFailure(
          'job_failed',
          `The Genesys Cloud details job failed${status.errorMessage ? `: ${status.errorMessage}` : ''}.`,
        );
      if (status.state === 'CANCELLED')
        throw new AuditFailure('job_cancelled', 'The Genesys Cloud details job was cancelled outside this audit.');
      progress.genesysJobState = status.state;
      await this.save(record);
      if (status.state !== 'FULFILLED') await this.wait(this.config.pollIntervalMs, shutdown);
    }
  }

  private async readPages(record: AuditRecord, window: Span, shutdown: AbortSignal): Promise<void> {
    const progress = record.progress;
    const jobId = progress.jobId as string;
    for (;;) {
      const cursor = progress.cursor;
      const page = await this.step(record, shutdown, () =>
        this.genesys.getDetailsJobResults(jobId, cursor, this.config.pageSize),
      );
      if (!page) throw new AuditFailure('job_expired', 'Genesys Cloud no longer holds the details job (it expired).');
      const lines: string[] = [];
      for (const entry of page.conversations) {
        const verdict = await this.verdictFor(entry, window, record);
        if (!verdict) continue;
        tally(record.summary, verdict, this.registry);
        this.metrics.auditConversations.inc({ status: verdict.status });
        lines.push(printableJson(verdict));
      }
      progress.pagesRead += 1;
      progress.cursor = page.cursor;
      await this.save(record, lines);
      if (page.cursor === undefined) return;
    }
  }

  /** The verdict on one entry of a results page; undefined for what this audit leaves to another window or visitor. */
  private async verdictFor(
    entry: AnalyticsConversation | UnreadableConversation,
    window: Span,
    record: AuditRecord,
  ): Promise<AuditVerdict | undefined> {
    if (isUnreadable(entry)) {
      if (record.request.userId !== undefined) return undefined;
      return {
        conversationId: entry.conversationId ?? '',
        status: 'unreadable',
        findings: [],
        settledBy: 'job_results',
        problem: entry.problem,
      };
    }
    if (!startsIn(window, entry.conversationStart)) return undefined;
    const customer = customerAmong(entry.participants, (participant) => participant.webMessaging);
    const attributes = customer?.attributes ?? {};
    const claimedUserId = Object.hasOwn(attributes, this.registry.identity.name)
      ? attributes[this.registry.identity.name]
      : undefined;
    if (record.request.userId !== undefined && claimedUserId !== record.request.userId) return undefined;
    const snapshot: ConversationSnapshot = {
      conversationId: entry.conversationId,
      startTime: entry.conversationStart,
      ...(customer
        ? { customer: { participantId: customer.participantId, attributes, webMessaging: customer.webMessaging } }
        : {}),
    };
    const truncated = possiblyCut(attributes);
    const { report, cutMatters, nothingOfOurs } = await this.verification.judgeSnapshot(snapshot, {
      cut: new Set(truncated),
    });
    const context = {
      claimedUserId,
      noCustomAttributes: nothingOfOurs,
      truncated,
      queueIds: [...new Set(entry.participants.flatMap((participant) => participant.queueIds))],
      settledBy: 'job_results' as AuditVerdict['settledBy'],
    };
    // No verdict rests on a cut value: where the whole one could change it, one GET settles it (a lookup spent only
    // there).
    if (!cutMatters) return verdictOf(report, context);
    return this.settleByConversation(entry.conversationId, record, context);
  }

  private async settleByConversation(
    conversationId: string,
    record: AuditRecord,
    context: Parameters<typeof verdictOf>[1],
  ): Promise<AuditVerdict> {
    const unsettled = (problem: string): AuditVerdict => ({
      conversationId,
      status: 'unsettled',
      findings: [],
      truncated: context.truncated,
      settledBy: 'job_results',
      problem,
    });
    if (record.progress.lookups >= this.config.maxConversationLookups) {
      return unsettled(
        'analytics cut a value at 1024 characters, and this audit has spent its conversation lookups (AUDIT_MAX_CONVERSATION_LOOKUPS)',
      );
    }
    record.progress.lookups += 1;
    try {
      const snapshot = await this.verification.snapshotOf(conversationId);
      if (!snapshot)
        return unsettled('analytics cut a value at 1024 characters, and Genesys Cloud no longer has the conversation');
      return verdictOf((await this.verification.judgeSnapshot(snapshot)).report, {
        ...context,
        settledBy: 'conversation',
      });
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      return unsettled(
        `analytics cut a value at 1024 characters, and the conversation could not be read: ${error.message}`,
      );
    }
  }

  /**
   * One Genesys call, repeated after transient failures (rate limits beyond the client's own retry
   * budget, Genesys or Redis unavailable), waiting what Retry-After says or backing off.
   */
  private async step<T>(record: AuditRecord, shutdown: AbortSignal, call: () => Promise<T>): Promise<T> {
    for (let failures = 0; ; failures += 1) {
      try {
        // A cancelled audit makes no further Genesys request.
        if ((await this.store.stateOf(record.id)) !== 'running') throw new Stopped('cancelled');
        return await call();
      } catch (error) {
        const transient = transientWait(error, failures, this.config.pollIntervalMs);
        if (transient === undefined) {
          if (error instanceof HttpException) throw new AuditFailure(codeOf(error), error.message);
          throw error;
        }
        if (failures + 1 >= MAX_TRANSIENT_FAILURES)
          throw new AuditFailure(
            codeOf(error),
            `Gave up after ${MAX_TRANSIENT_FAILURES} attempts: ${(error as Error).message}`,
          );
        this.logger.warn(
          `Audit step failed (${(error as Error).message}); trying again in ${Math.round(transient / 1000)} s`,
        );
        await this.wait(transient, shutdown);
      }
    }
  }

  private async wait(ms: number, shutdown: AbortSignal): Promise<void> {
    await this.clock.sleep(ms, shutdown).catch(() => undefined);
    if (shutdown.aborted) throw new Stopped('shutdown');
  }

  /**
   * Stores the record (and verdict lines); a store that refuses means the audit was cancelled, or a later run took it
   * over.
   */
  private async save(record: AuditRecord, lines: readonly string[] = []): Promise<void> {
    if (!(await this.stored(() => this.store.checkpoint(record, lines)))) throw new Stopped('cancelled');
  }

  private async stored<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof SharedStateUnavailableError)
        throw new AuditFailure('shared_state_unavailable', error.message);
      throw error;
    }
  }

  /** After a cancellation: the Genesys job this run held is cancelled too (the canceller may not have known it yet). */
  private async stopJob(record: AuditRecord): Promise<void> {
    const jobId = record.progress.jobId;
    if (jobId === undefined) return;
    await this.genesys
      .cancelDetailsJob(jobId)
      .catch((error: Error) => this.logger.warn(`Cancelling the details job failed: ${error.message}`));
  }

  private async fail(record: AuditRecord, failure: AuditFailure): Promise<void> {
    record.failure = { code: failure.code, message: failure.message };
    record.finishedAt = this.isoNow();
    try {
      if (await this.store.finish(record, 'failed', record.finishedAt)) this.metrics.audits.inc({ outcome: 'failed' });
    } catch (error) {
      this.logger.warn(
        `Audit ${record.id} failed (${failure.code}) and could not be stored as failed: ${(error as Error).message}`,
      );
    }
    await this.stopJob(record);
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

const codeOf = (error: unknown): string => {
  if (error instanceof SharedStateUnavailableError) return 'shared_state_unavailable';
  return error instanceof ApiError ? error.code : 'upstream_error';
};

/**
 * Failures worth waiting out: Genesys rate limiting or unavailable, this instance's rate limiter full, Redis not
 * answering.
 */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'upstream_rate_limited',
  'upstream_unavailable',
  'shutting_down',
]);

/**
 * How long to wait before trying a failed step again (Retry-After when given), or undefined when the failure is not
 * transient.
 */
function transientWait(error: unknown, failures: number, baseMs: number): number | undefined {
  const backoff = Math.min(MAX_TRANSIENT_WAIT_MS, baseMs * 2 ** failures);
  if (error instanceof SharedStateUnavailableError) return backoff;
  if (!(error instanceof ApiError) || !TRANSIENT_CODES.has(error.code)) return undefined;
  const retryAfter = Number(error.headers['retry-after']);
  return Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(MAX_TRANSIENT_WAIT_MS, retryAfter * 1000) : backoff;
}

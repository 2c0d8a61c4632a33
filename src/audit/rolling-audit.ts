import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { WorkQueues } from '../cache-store/work-queue';
import { CLOCK, type Clock } from '../clock/clock';
import { GenesysClient } from '../genesys/genesys.client';
import { ServiceMetrics, type RollingAuditReading } from '../metrics/service-metrics';
import { isoSpan, splitSpan } from './audit-plan';
import { AuditScheduler } from './audit-scheduler';
import { AuditStore, newAuditRecord, type StoredAudit } from './audit-store';
import type { AuditStatus } from './audit-verdict';
import { auditConfig, type AuditConfig } from './audit.config';
import type { RollingAuditDto } from './dto/rolling-audit.dto';
import { RollingAuditStore } from './rolling-audit-store';
import { afterWindow, nextWindow, type RollingState } from './rolling-window';

/** The BullMQ job scheduler's name, on Redis. */
const SCHEDULE_NAME = 'rolling-audit';

/**
 * Whom a rolling audit belongs to: no caller's token has an empty subject (JwtStrategy refuses
 * it), so only audits:admin callers read these audits.
 */
export const ROLLING_AUDITOR = '';

/**
 * The rolling audit (AUDIT_SCHEDULE): every interval, one run for the whole deployment audits the
 * conversations that reached the analytics data lake since the last window (see RollingState for
 * the windowing rule). The window's audit is an ordinary audit on the audit queue (AUDIT_JOB_SLOTS
 * apply, a killed instance's audit is resumed as any other); the run waits for it, then moves the
 * shared state past the window with a compare-and-set, and only the run whose set succeeds counts
 * the window in its metrics. With Redis the runs come from BullMQ's job scheduler (one at a time,
 * a killed instance's run taken over once its lock lapses); without it, from a loop in this process.
 */
@Injectable()
export class RollingAudit implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RollingAudit.name);
  private readonly shutdown = new AbortController();
  private loop?: Promise<void>;

  constructor(
    private readonly state: RollingAuditStore,
    private readonly audits: AuditStore,
    private readonly scheduler: AuditScheduler,
    private readonly genesys: GenesysClient,
    private readonly workQueues: WorkQueues,
    @Inject(auditConfig.KEY) private readonly config: AuditConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: ServiceMetrics,
  ) {}

  /** After every module's init: the audit queue this relies on is open by then. */
  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.scheduleMs;
    if (every !== undefined) this.metrics.observeRollingAudit(() => this.reading(every));
    if (this.workQueues.available) {
      await this.workQueues.schedule(SCHEDULE_NAME, every, this.config.queueLockMs, (_job, shutdown) =>
        this.run(every ?? 0, shutdown).catch((error: Error) => {
          if (!shutdown.aborted) this.logger.warn(failedRun(error));
        }),
      );
      return;
    }
    if (every !== undefined) this.loop = this.runEvery(every);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await this.loop;
  }

  /** The state as GET /api/verification/audits/rolling shows it. */
  async view(): Promise<RollingAuditDto> {
    const { state } = await this.state.read();
    const every = this.config.scheduleMs;
    const iso = (at: number) => new Date(at).toISOString();
    return {
      schedule: every === undefined ? 'off' : (this.config.schedule as string),
      ...(state.auditedUntil !== undefined
        ? {
            auditedUntil: iso(state.auditedUntil),
            lagSeconds: Math.round((this.clock.now() - state.auditedUntil) / 1000),
          }
        : {}),
      ...(state.lastSuccessAt !== undefined ? { lastSuccessAt: iso(state.lastSuccessAt) } : {}),
      ...(state.current
        ? {
            current: {
              auditId: state.current.auditId,
              period: { start: iso(state.current.window.start), end: iso(state.current.window.end) },
            },
          }
        : {}),
      windowsAudited: state.windowsAudited,
      totals: { conversations: state.totals.conversations, byStatus: state.totals.byStatus as Record<string, number> },
      ...(state.lastUnsignedRate !== undefined ? { lastUnsignedRate: state.lastUnsignedRate } : {}),
    };
  }

  /** Runs start `every` apart, as BullMQ's scheduler starts them; one that outlasts the interval delays the next. */
  private async runEvery(every: number): Promise<void> {
    while (!this.shutdown.signal.aborted) {
      const started = this.clock.now();
      await this.run(every, this.shutdown.signal).catch((error: Error) => {
        if (!this.shutdown.signal.aborted) this.logger.warn(failedRun(error));
      });
      const wait = Math.max(0, started + every - this.clock.now());
      await this.clock.sleep(wait, this.shutdown.signal).catch(() => undefined);
    }
  }

  /**
   * One run: plans the next window unless one is under way, waits for its audit, and completes it.
   * A run that fails leaves the state where it was, for the next run to take up.
   */
  async run(every: number, shutdown: AbortSignal): Promise<void> {
    let { state, version } = await this.state.read();
    if (!state.current) {
      const now = this.clock.now();
      const dataAvailabilityDate = await this.genesys.getDetailsJobsAvailability();
      const window = nextWindow(state, Math.min(Date.parse(dataAvailabilityDate), now), every);
      if (!window) {
        // Up to date with the data lake: nothing new has reached it since the last window.
        await this.state.replace(version, { ...state, lastSuccessAt: now });
        return;
      }
      const record = newAuditRecord(new Date(now).toISOString(), ROLLING_AUDITOR, { ...window, queueIds: [] });
      // The window ends at the availability date just read: the audit need not ask Genesys for it again.
      record.coverage = { dataAvailabilityDate, audited: window };
      record.progress.windows = splitSpan(window);
      await this.audits.create(record);
      const planned: RollingState = { ...state, current: { auditId: record.id, window } };
      if (!(await this.state.replace(version, planned))) {
        // Another run planned a window first (a run handed on as stalled while still alive): this audit never starts.
        await this.audits.transition(record.id, ['queued'], 'cancelled', new Date(now).toISOString());
        return;
      }
      state = planned;
      version += 1;
    }
    const current = state.current as NonNullable<RollingState['current']>;
    // Also when taking over a run: its instance may have died between planning and queueing. Queued twice, it runs once.
    await this.scheduler.enqueue(current.auditId);
    for (;;) {
      const audit = await this.audits.find(current.auditId);
      if (audit?.state === 'done') return this.complete(state, version, audit);
      if (!audit || audit.state === 'failed' || audit.state === 'cancelled') {
        const unplanned = { ...state };
        delete unplanned.current;
        await this.state.replace(version, unplanned);
        this.logger.warn(
          `The rolling audit of ${isoSpan(current.window)} ${audit ? audit.state : 'expired'}${audit?.record.failure ? ` (${audit.record.failure.code})` : ''}; the next run audits it again`,
        );
        return;
      }
      await this.clock.sleep(this.config.pollIntervalMs, shutdown);
    }
  }

  /** Moves the state past the window; the one run whose compare-and-set succeeds counts it. */
  private async complete(state: RollingState, version: number, audit: StoredAudit): Promise<void> {
    const { summary, coverage } = audit.record;
    const next = afterWindow(state, { audited: coverage?.audited, summary }, this.clock.now());
    if (!(await this.state.replace(version, next))) return;
    this.metrics.rollingWindows.inc();
    for (const [status, count] of Object.entries(summary.byStatus) as [AuditStatus, number][]) {
      if (count > 0) this.metrics.rollingConversations.inc({ status }, count);
    }
    for (const [attribute, tally] of Object.entries(summary.attributes)) {
      for (const [status, count] of Object.entries(tally)) {
        if (count > 0) this.metrics.rollingAttributeFindings.inc({ attribute, status }, count);
      }
    }
  }

  private async reading(every: number): Promise<RollingAuditReading> {
    const { state } = await this.state.read();
    const now = this.clock.now();
    return {
      scheduleSeconds: every / 1000,
      ...(state.auditedUntil !== undefined ? { lagSeconds: (now - state.auditedUntil) / 1000 } : {}),
      ...(state.lastSuccessAt !== undefined ? { lastSuccessAt: state.lastSuccessAt } : {}),
      ...(state.lastUnsignedRate !== undefined ? { lastUnsignedRate: state.lastUnsignedRate } : {}),
    };
  }
}

const failedRun = (error: Error) =>
  `A rolling audit run failed (${error.message}); the next run takes up from the same place`;

import { registerAs, type ConfigType } from '@nestjs/config';
import { IsOptional } from 'class-validator';
import { DurationOrOffVariable, IntegerVariable, durationMs, readEnvironment } from '../config/environment';

export class AuditEnvironment {
  /**
   * Audits running at once in the whole deployment: each holds one Genesys details job at a time.
   * Genesys publishes no limit on concurrent jobs, so it is a setting; the rest wait queued.
   */
  @IsOptional()
  @IntegerVariable(1, 20)
  AUDIT_JOB_SLOTS = 1;

  /** How often a running audit asks whether its Genesys job is fulfilled (each ask is a rate-limited request). */
  @IsOptional()
  @IntegerVariable(200, 60000)
  AUDIT_POLL_INTERVAL_MS = 2000;

  /** Conversations per page of job results (the platform's maximum is 1000). */
  @IsOptional()
  @IntegerVariable(1, 1000)
  AUDIT_PAGE_SIZE = 1000;

  /** The longest period one audit may cover. */
  @IsOptional()
  @IntegerVariable(1, 366)
  AUDIT_MAX_DAYS = 93;

  /**
   * Single conversation GETs one audit may spend on what job data cannot settle (values analytics cut); beyond it they
   * are reported unsettled.
   */
  @IsOptional()
  @IntegerVariable(0, 100000)
  AUDIT_MAX_CONVERSATION_LOOKUPS = 500;

  /** How long an audit and its results are kept. */
  @IsOptional()
  @IntegerVariable(1, 720)
  AUDIT_RETENTION_HOURS = 168;

  /**
   * With Redis: how long an audit stays claimed by an instance that stopped (killed) before another instance resumes
   * it.
   */
  @IsOptional()
  @IntegerVariable(1000, 600000)
  AUDIT_QUEUE_LOCK_MS = 30000;

  /**
   * How long GET /api/verification/visitors/{userId}/conversations waits for its audit before answering 202 with it.
   */
  @IsOptional()
  @IntegerVariable(0, 60000)
  VISITOR_SEARCH_WAIT_MS = 20000;

  /**
   * How often the rolling audit judges the conversations that reached the analytics data lake since its last window
   * (`10m`, `1h`; `off` or unset: no rolling audit). With Redis one run per interval for the whole deployment.
   */
  @IsOptional()
  @DurationOrOffVariable(1000, 24 * 3_600_000, '10m')
  AUDIT_SCHEDULE = 'off';
}

export const auditConfig = registerAs('audit', () => {
  const env = readEnvironment(AuditEnvironment);
  return {
    jobSlots: env.AUDIT_JOB_SLOTS,
    pollIntervalMs: env.AUDIT_POLL_INTERVAL_MS,
    pageSize: env.AUDIT_PAGE_SIZE,
    maxDays: env.AUDIT_MAX_DAYS,
    maxConversationLookups: env.AUDIT_MAX_CONVERSATION_LOOKUPS,
    retentionMs: env.AUDIT_RETENTION_HOURS * 3_600_000,
    queueLockMs: env.AUDIT_QUEUE_LOCK_MS,
    visitorSearchWaitMs: env.VISITOR_SEARCH_WAIT_MS,
    /** The rolling audit's interval; undefined when it is off. */
    schedule: env.AUDIT_SCHEDULE,
    scheduleMs: env.AUDIT_SCHEDULE === 'off' ? undefined : durationMs(env.AUDIT_SCHEDULE),
  };
});

export type AuditConfig = ConfigType<typeof auditConfig>;

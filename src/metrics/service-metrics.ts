import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Label value for attribute names outside the registry: visitors choose those, and a label per name would let them grow
 * the series without end.
 */
export const OTHER_ATTRIBUTE = 'other';

/**
 * Every Prometheus series the service exposes, on its own registry (deploy/ holds the dashboard
 * and alert rules that read them, and a test checks they only name series and labels that exist).
 * Values and identities never become labels: attribute names are, and only the registry's.
 */
/** What the rolling-audit gauges show, as the deployment's shared state says at a scrape. */
export interface RollingAuditReading {
  scheduleSeconds: number;
  /** Seconds from the end of the audited period to now. */
  lagSeconds?: number;
  lastSuccessAt?: number;
  lastUnsignedRate?: number;
}

/** The four rolling-audit gauges of one scrape share a read of the shared state. */
const ROLLING_READ_REUSE_MS = 1000;

@Injectable()
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Histogram({
    name: 'wm_http_request_duration_seconds',
    help: 'Requests served, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  readonly genesysRequests = new Counter({
    name: 'wm_genesys_requests_total',
    help: 'Requests to Genesys Cloud, by route and status code (0: no answer).',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  readonly genesysRetries = new Counter({
    name: 'wm_genesys_retries_total',
    help: 'Retries of Genesys Cloud requests, by route and cause (429, 5xx, network, 401).',
    labelNames: ['route', 'cause'] as const,
    registers: [this.registry],
  });

  readonly rateLimitWaits = new Histogram({
    name: 'wm_genesys_rate_limit_wait_seconds',
    help: 'How long requests waited for their slot under the client-side Genesys rate limit.',
    buckets: [0, 0.1, 0.5, 1, 5, 15, 30, 60],
    registers: [this.registry],
  });

  readonly rateLimitRefusals = new Counter({
    name: 'wm_genesys_rate_limit_refusals_total',
    help: 'Requests refused at once (429) because their slot lay beyond the retry budget.',
    registers: [this.registry],
  });

  readonly tokenRequests = new Counter({
    name: 'wm_genesys_token_requests_total',
    help: 'Token requests to Genesys Cloud, by outcome (issued, refused, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly redisUp = new Gauge({
    name: 'wm_redis_up',
    help: '1 while Redis is configured and answering, 0 while it is configured and not; absent without REDIS_URL.',
    registers: [this.registry],
  });

  readonly sharedStateFallbacks = new Counter({
    name: 'wm_shared_state_fallbacks_total',
    help: 'Shared-state operations that fell back to this instance memory because Redis failed or stalled, by purpose.',
    labelNames: ['purpose'] as const,
    registers: [this.registry],
  });

  readonly attributeSetsIssued = new Counter({
    name: 'wm_attribute_sets_issued_total',
    help: 'Signed attribute sets issued.',
    registers: [this.registry],
  });

  readonly auditConversations = new Counter({
    name: 'wm_audit_conversations_total',
    help: 'Conversations judged by audits, by status (verified, tampered, unsigned, ..., unreadable, unsettled).',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly audits = new Counter({
    name: 'wm_audits_total',
    help: 'Audits that ended, by outcome (done, failed, cancelled).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly verifications = new Counter({
    name: 'wm_verifications_total',
    help: 'Verification reports, by status (verified, tampered, unsigned, expired, ...).',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly attributeFindings = new Counter({
    name: 'wm_verification_attribute_findings_total',
    help: 'Attributes of verification reports that did not match, by registry attribute name and row status.',
    labelNames: ['attribute', 'status'] as const,
    registers: [this.registry],
  });

  readonly canaryRuns = new Counter({
    name: 'wm_canary_runs_total',
    help: 'Canary runs, by result (ok, broken, not_checked).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly canaryDuration = new Gauge({
    name: 'wm_canary_last_duration_seconds',
    help: 'How long the last canary run took.',
    registers: [this.registry],
  });

  readonly rollingConversations = new Counter({
    name: 'wm_rolling_audit_conversations_total',
    help: 'Conversations judged by the rolling audit (every web messaging conversation, not what callers asked), by status; counted by the instance that completed the window.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly rollingAttributeFindings = new Counter({
    name: 'wm_rolling_audit_attribute_findings_total',
    help: 'Attributes the rolling audit found not as issued, by registry attribute name (other: the rest) and finding.',
    labelNames: ['attribute', 'status'] as const,
    registers: [this.registry],
  });

  readonly rollingWindows = new Counter({
    name: 'wm_rolling_audit_windows_total',
    help: 'Windows the rolling audit completed; counted by the instance that completed each.',
    registers: [this.registry],
  });

  private rollingReading: () => Promise<RollingAuditReading | undefined> = async () => undefined;
  private rollingRead?: { at: number; reading: Promise<RollingAuditReading | undefined> };

  /**
   * Read from the deployment's shared state at each scrape, so every instance reports the same
   * figures whichever ran the window (alerts take max()); 0 while the rolling audit is off or before its first run.
   */
  readonly rollingSchedule = this.rollingGauge(
    'wm_rolling_audit_schedule_seconds',
    'The rolling audit interval (AUDIT_SCHEDULE).',
    (reading) => reading.scheduleSeconds,
  );

  readonly rollingLag = this.rollingGauge(
    'wm_rolling_audit_lag_seconds',
    'Seconds between now and the end of the audited period: every conversation that started before it has been judged.',
    (reading) => reading.lagSeconds,
  );

  readonly rollingLastSuccess = this.rollingGauge(
    'wm_rolling_audit_last_success_timestamp_seconds',
    'When a rolling audit run last ended up to date with the analytics data lake (Unix time).',
    (reading) => (reading.lastSuccessAt === undefined ? undefined : reading.lastSuccessAt / 1000),
  );

  readonly rollingUnsignedRatio = this.rollingGauge(
    'wm_rolling_audit_unsigned_ratio',
    'The unsigned share of the last rolling audit window that had conversations.',
    (reading) => reading.lastUnsignedRate,
  );

  /** Where the rolling-audit gauges read from (the audit module provides it when the schedule is on). */
  observeRollingAudit(read: () => Promise<RollingAuditReading | undefined>): void {
    this.rollingReading = read;
  }

  private rollingGauge(
    name: string,
    help: string,
    valueOf: (reading: RollingAuditReading) => number | undefined,
  ): Gauge {
    const gauge: Gauge = new Gauge({
      name,
      help,
      registers: [this.registry],
      collect: () => this.collectRolling(gauge, valueOf),
    });
    return gauge;
  }

  /** The gauges of one scrape share a read; a read that fails leaves the last values (a scrape never fails on Redis). */
  private async collectRolling(
    gauge: Gauge,
    valueOf: (reading: RollingAuditReading) => number | undefined,
  ): Promise<void> {
    const now = Date.now();
    if (!this.rollingRead || now - this.rollingRead.at > ROLLING_READ_REUSE_MS) {
      this.rollingRead = { at: now, reading: this.rollingReading().catch(() => undefined) };
    }
    const reading = await this.rollingRead.reading;
    const value = reading === undefined ? undefined : valueOf(reading);
    if (value !== undefined) gauge.set(value);
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'wm_process_' });
  }
}

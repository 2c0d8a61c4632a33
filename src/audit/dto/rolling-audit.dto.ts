import { ApiProperty } from '@nestjs/swagger';
import { AuditSpanDto } from './audit.dto';

export class RollingWindowDto {
  /** The audit judging this window; audits:admin callers read it and its verdicts like any audit. */
  auditId!: string;
  /** Conversations that started in this half-open interval. */
  period!: AuditSpanDto;
}

export class RollingTotalsDto {
  /** Conversations the rolling audit has judged since it first ran. */
  conversations!: number;
  /**
   * Of them, per status (the audit verdict statuses).
   * @example { "verified": 9400, "tampered": 12, "unsigned": 560 }
   */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  byStatus!: Record<string, number>;
}

export class RollingAuditDto {
  /** AUDIT_SCHEDULE: the interval between runs, or off. @example "10m" */
  schedule!: string;
  /**
   * Every web messaging conversation that started before this instant has been judged; the next window starts here.
   * Absent before the first window is done.
   */
  auditedUntil?: string;
  /** Seconds from auditedUntil to now: the schedule, plus how far the analytics data lake is behind, plus any backlog. */
  lagSeconds?: number;
  /** When a run last ended up to date with the analytics data lake. */
  lastSuccessAt?: string;
  /** The window being audited now, if any. */
  current?: RollingWindowDto;
  /** Windows completed. */
  windowsAudited!: number;
  totals!: RollingTotalsDto;
  /** The unsigned share of the last window that had conversations (0 to 1). */
  lastUnsignedRate?: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_STATES } from '../audit-store';

export class AuditSpanDto {
  /** @example "2026-11-30T00:00:00.000Z" */
  start!: string;
  /** @example "2026-12-01T00:00:00.000Z" */
  end!: string;
}

export class AuditCoverageDto {
  /** The analytics data lake's availability date when the audit started: conversations after it are not in job results yet. */
  dataAvailabilityDate!: string;
  /** The part of the period audited; absent when none of it was available. */
  audited?: AuditSpanDto;
  /** The part of the period not available yet: not audited, and not to be read as empty. Audit it again later. */
  notYetAvailable?: AuditSpanDto;
}

export class AuditProgressDto {
  /** The Genesys details job's state while one is in hand: QUEUED, PENDING, FULFILLED. */
  genesysJobState?: string;
  /** Details jobs the period needs (one per 31 days) and those finished. */
  jobs!: number;
  jobsDone!: number;
  /** Pages of job results read. */
  pagesRead!: number;
  /** Conversations judged so far. */
  conversationsChecked!: number;
  /** Conversation GETs spent on what job data could not settle. */
  conversationLookups!: number;
  /** Times an instance started on this audit: above 1 it was resumed (a restart, another instance). */
  runs!: number;
}

export class AttributeFindingsDto {
  mismatch!: number;
  missing!: number;
  unexpected!: number;
  case_mismatch!: number;
  /** Arrived in a set issued after the conversation started (issued_after_start). */
  late!: number;
}

export class AuditSummaryDto {
  /** Conversations judged. */
  conversations!: number;
  /**
   * Conversations per status: the report statuses (verified, tampered, unsigned, expired, issued_after_start,
   * not_as_expected, incomplete, no_customer), unreadable (job data that could not be read) and
   * unsettled (a value analytics cut that no conversation GET could settle).
   * @example { "verified": 9400, "tampered": 12, "unsigned": 560, "issued_after_start": 28 }
   */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  byStatus!: Record<string, number>;

  /**
   * Findings per name the signature covers (registry and retired attributes); any other name is never a finding.
   * @example { "userTier": { "mismatch": 12, "missing": 0, "unexpected": 0, "case_mismatch": 0, "late": 28 } }
   */
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/AttributeFindingsDto' } })
  attributes!: Record<string, AttributeFindingsDto>;

  /** Share of the conversations that arrived without a signature (0 to 1). @example 0.056 */
  unsignedRate!: number;
  /**
   * Of the tampered, those with no issued set to compare with (the ledger no longer holds it, or never did): their
   * signature fails, but which attribute changed cannot be said, so they add nothing to `attributes`.
   */
  tamperedWithoutIssuedSet!: number;
  /** Of the unsigned, those with none of the registry's attributes (no Database.set, or the ignored legacy location), whatever a flow wrote beside them. */
  noCustomAttributes!: number;
  /** Conversations with a value analytics may have cut at 1024 characters. */
  truncated!: number;
  /** Verdicts that needed a conversation GET. */
  settledByConversation!: number;
}

export class AuditFailureDto {
  /** @example "job_failed" */
  code!: string;
  /** @example "The Genesys Cloud details job failed." */
  message!: string;
}

export class AuditDto {
  /** @example "0f5c2a8e-1d3b-4c6a-9e7f-2b4d6c8a0e1f" */
  id!: string;

  /** queued (waiting for a job slot), running, done, failed (see failure), cancelled. */
  @ApiProperty({ enum: AUDIT_STATES, example: 'running' })
  state!: (typeof AUDIT_STATES)[number];

  /** The period asked for. */
  period!: AuditSpanDto;
  queueIds!: string[];
  @ApiPropertyOptional({ example: 'usr_1001' })
  userId?: string;

  createdAt!: string;
  startedAt?: string;
  /** When it ended: done, failed or cancelled. */
  endedAt?: string;
  coverage?: AuditCoverageDto;
  progress!: AuditProgressDto;
  /** The counts so far; final once the state is done. */
  summary!: AuditSummaryDto;
  failure?: AuditFailureDto;
  /** Where the verdicts are: NDJSON, or CSV with Accept: text/csv. */
  @ApiProperty({ example: '/api/verification/audits/0f5c2a8e-1d3b-4c6a-9e7f-2b4d6c8a0e1f/results' })
  results!: string;
}

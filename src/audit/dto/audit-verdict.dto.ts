import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ARRIVALS, type Arrival } from '../../verification/report-judgement';

export class AuditFindingDto {
  /** @example "userTier" */
  name!: string;
  /** mismatch, missing, unexpected, case_mismatch; late for what arrived in a late set. @example "mismatch" */
  status!: string;
}

/** One conversation of an audit (a line of its NDJSON results). */
export class AuditVerdictDto {
  /** @example "0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f" */
  conversationId!: string;
  conversationStart?: string;
  /** A report status, or unreadable / unsettled. @example "tampered" */
  status!: string;
  /** The user id a valid signature vouches for. */
  userId?: string;
  /** The identity attribute as it arrived, vouched or not. */
  claimedUserId?: string;
  /** @example "mismatch" */
  signatureProblem?: string;
  /** For a valid signature: after_start (issued after the conversation started) or unknown (Genesys's answers cannot show which message carried the set). */
  @ApiPropertyOptional({ enum: ARRIVALS })
  arrival?: Arrival;
  @ApiProperty({ type: [AuditFindingDto] })
  findings!: AuditFindingDto[];
  /** Tampered, with no issued set to compare with (the ledger no longer holds it, or never did): which attribute changed cannot be said. */
  issuedSetUnknown?: boolean;
  /** Attributes whose name or value analytics may have cut at 1024 characters. */
  truncated?: string[];
  noCustomAttributes?: boolean;
  /** job_results, or conversation when a GET settled what the job data could not. */
  @ApiProperty({ enum: ['job_results', 'conversation'] })
  settledBy!: 'job_results' | 'conversation';
  queueIds?: string[];
  problem?: string;
}

export class VisitorConversationsDto {
  /** @example "usr_1001" */
  userId!: string;
  /** The audit that searched (its summary and results stay available). */
  auditId!: string;
  since!: string;
  until!: string;
  /** What lies past the analytics availability date is not in this list yet. */
  @ApiPropertyOptional({ example: '2026-12-01T11:00:00.000Z' })
  notYetAvailableFrom?: string;
  /** The visitor's conversations, oldest first, each with its verdict (at most 1000; `more` says when there were more). */
  @ApiProperty({ type: [AuditVerdictDto] })
  conversations!: AuditVerdictDto[];
  more!: boolean;
}

import { csvField } from '../logging/printable-text';
import type { VerificationReportDto } from '../verification/dto/verification-report.dto';
import { isFinding, type Arrival, type ReportStatus, type RowStatus } from '../verification/report-judgement';

/**
 * A conversation's status in an audit: a report status, or why there is none (unreadable job data, a cut value no GET
 * could settle).
 */
export type AuditStatus = ReportStatus | 'unreadable' | 'unsettled';

export type FindingStatus = RowStatus | 'late';

/**
 * One line of an audit's results: what a report says, in a few fields (values left out: the report of the conversation
 * has them).
 */
export interface AuditVerdict {
  conversationId: string;
  conversationStart?: string;
  status: AuditStatus;
  /** The user id a valid signature vouches for. */
  userId?: string;
  /** The identity attribute as it arrived, vouched or not: whom the conversation claims to be. */
  claimedUserId?: string;
  signatureProblem?: string;
  /**
   * As in a report: after_start or unknown, for a valid signature (whether the set came with the first message cannot
   * be told).
   */
  arrival?: Arrival;
  /** Attributes not as issued, and for a set that arrived late the attributes that did. */
  findings: { name: string; status: FindingStatus }[];
  /** Attributes whose name or value analytics may have cut at 1024 characters. */
  truncated?: string[];
  /**
   * Tampered, and no issued set to compare with (the ledger no longer holds it, or never did): which attribute changed
   * cannot be said.
   */
  issuedSetUnknown?: boolean;
  /**
   * Nothing at all reached the conversation (no Database.set, or the legacy attribute location the platform ignores).
   */
  noCustomAttributes?: boolean;
  /** Where the verdict came from: the job's results, or one conversation GET for what they could not settle. */
  settledBy: 'job_results' | 'conversation';
  queueIds?: string[];
  problem?: string;
}

/** What analytics does to participant data: keys and values cut at this many characters. */
export const ANALYTICS_CUT_LENGTH = 1024;

/** The attribute names whose key or value is long enough to have been cut. */
export function possiblyCut(attributes: Readonly<Record<string, string>>): string[] {
  return Object.entries(attributes)
    .filter(([key, value]) => key.length >= ANALYTICS_CUT_LENGTH || value.length >= ANALYTICS_CUT_LENGTH)
    .map(([key]) => key);
}

export function verdictOf(
  report: VerificationReportDto,
  context: {
    claimedUserId?: string;
    noCustomAttributes: boolean;
    settledBy: AuditVerdict['settledBy'];
    truncated: string[];
    queueIds: string[];
  },
): AuditVerdict {
  const late = report.status === 'issued_after_start';
  const findings = report.attributes.flatMap((row): AuditVerdict['findings'] => {
    if (isFinding(row)) return [{ name: row.name, status: row.status }];
    return late && row.arrived !== undefined ? [{ name: row.name, status: 'late' }] : [];
  });
  return {
    conversationId: report.conversationId,
    ...(report.conversationStartedAt ? { conversationStart: report.conversationStartedAt } : {}),
    status: report.status,
    ...(report.userId ? { userId: report.userId } : {}),
    ...(context.claimedUserId !== undefined ? { claimedUserId: context.claimedUserId } : {}),
    ...(report.signatureProblem ? { signatureProblem: report.signatureProblem } : {}),
    ...(report.arrival ? { arrival: report.arrival } : {}),
    findings,
    ...(report.status === 'tampered' && report.attributes.every((row) => row.issued === undefined)
      ? { issuedSetUnknown: true }
      : {}),
    ...(context.truncated.length > 0 ? { truncated: context.truncated } : {}),
    ...(context.noCustomAttributes ? { noCustomAttributes: true } : {}),
    settledBy: context.settledBy,
    ...(context.queueIds.length > 0 ? { queueIds: context.queueIds } : {}),
  };
}

export const CSV_COLUMNS = [
  'conversationId',
  'conversationStart',
  'status',
  'userId',
  'claimedUserId',
  'signatureProblem',
  'arrival',
  'findings',
  'issuedSetUnknown',
  'truncated',
  'noCustomAttributes',
  'settledBy',
  'queueIds',
  'problem',
] as const;

export function csvLine(verdict: AuditVerdict): string {
  const fields: Record<(typeof CSV_COLUMNS)[number], string> = {
    conversationId: verdict.conversationId,
    conversationStart: verdict.conversationStart ?? '',
    status: verdict.status,
    userId: verdict.userId ?? '',
    claimedUserId: verdict.claimedUserId ?? '',
    signatureProblem: verdict.signatureProblem ?? '',
    arrival: verdict.arrival ?? '',
    findings: verdict.findings.map((finding) => `${finding.name}:${finding.status}`).join(';'),
    issuedSetUnknown: verdict.issuedSetUnknown ? 'true' : '',
    truncated: (verdict.truncated ?? []).join(';'),
    noCustomAttributes: verdict.noCustomAttributes ? 'true' : '',
    settledBy: verdict.settledBy,
    queueIds: (verdict.queueIds ?? []).join(';'),
    problem: verdict.problem ?? '',
  };
  return `${CSV_COLUMNS.map((column) => csvField(fields[column])).join(',')}\r\n`;
}

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

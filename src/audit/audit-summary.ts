import { OTHER_ATTRIBUTE } from '../metrics/service-metrics';
import type { AttributeRegistry } from '../attribute-registry/attribute-definition';
import type { AuditStatus, AuditVerdict, FindingStatus } from './audit-verdict';

export type AttributeTally = Record<'mismatch' | 'missing' | 'unexpected' | 'case_mismatch' | 'late', number>;

/** An audit's counts so far; kept with its progress, so every instance reads the same. */
export interface AuditSummary {
  conversations: number;
  byStatus: Partial<Record<AuditStatus, number>>;
  /**
   * Findings per name the signature covers (registry and retired); every other name (visitors choose them) counts under
   * `other`.
   */
  attributes: Record<string, AttributeTally>;
  /** Of the tampered, how many had no issued set to compare with, so their attributes are not in `attributes`. */
  tamperedWithoutIssuedSet: number;
  /** Of the unsigned, how many carried none of the registry's attributes (flows' data aside). */
  noCustomAttributes: number;
  /** Conversations with a value analytics may have cut. */
  truncated: number;
  /** Verdicts that needed a conversation GET. */
  settledByConversation: number;
}

export function emptySummary(): AuditSummary {
  return {
    conversations: 0,
    byStatus: {},
    attributes: {},
    tamperedWithoutIssuedSet: 0,
    noCustomAttributes: 0,
    truncated: 0,
    settledByConversation: 0,
  };
}

const TALLIED: ReadonlySet<FindingStatus> = new Set(['mismatch', 'missing', 'unexpected', 'case_mismatch', 'late']);

/** Adds a verdict to the summary (in place: one summary per page of results). */
export function tally(summary: AuditSummary, verdict: AuditVerdict, registry: Pick<AttributeRegistry, 'covers'>): void {
  summary.conversations += 1;
  summary.byStatus[verdict.status] = (summary.byStatus[verdict.status] ?? 0) + 1;
  // `?? 0`: a summary stored before the field existed, resumed by a newer instance.
  if (verdict.issuedSetUnknown) summary.tamperedWithoutIssuedSet = (summary.tamperedWithoutIssuedSet ?? 0) + 1;
  if (verdict.noCustomAttributes) summary.noCustomAttributes += 1;
  if (verdict.truncated) summary.truncated += 1;
  if (verdict.settledBy === 'conversation') summary.settledByConversation += 1;
  for (const finding of verdict.findings) {
    if (!TALLIED.has(finding.status)) continue;
    const name = registry.covers(finding.name) ? finding.name : OTHER_ATTRIBUTE;
    const counts = (summary.attributes[name] ??= { mismatch: 0, missing: 0, unexpected: 0, case_mismatch: 0, late: 0 });
    counts[finding.status as keyof AttributeTally] += 1;
  }
}

/** The share of checked conversations that arrived without a signature, 0 when none were checked. */
export const unsignedRate = (summary: AuditSummary): number =>
  summary.conversations === 0
    ? 0
    : Math.round(((summary.byStatus.unsigned ?? 0) / summary.conversations) * 10_000) / 10_000;

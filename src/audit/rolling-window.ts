import type { Span } from './audit-plan';
import { unsignedRate, type AuditSummary } from './audit-summary';
import type { AuditStatus } from './audit-verdict';

/**
 * The rolling audit's place, one for the whole deployment. Windows are contiguous and half-open by
 * conversation start: [auditedUntil, the availability date), so a conversation is in exactly one.
 * Each window's details job matches conversations whose lifetime overlaps it (a conversation that
 * started in an earlier window and still runs comes back), and the audit keeps only those that
 * started in it: that is the overlap that lets nothing fall between two windows, and nothing count
 * twice.
 */
export interface RollingState {
  /** Every web messaging conversation that started before this instant (epoch ms) has been judged. */
  auditedUntil?: number;
  /** The window being audited and the audit doing it; auditedUntil moves only when that audit is done. */
  current?: { auditId: string; window: Span };
  /** When a run last ended with the audit up to date with the data lake (epoch ms). */
  lastSuccessAt?: number;
  windowsAudited: number;
  /** Every conversation the rolling audit has judged, by status. */
  totals: { conversations: number; byStatus: Partial<Record<AuditStatus, number>> };
  /** The unsigned share of the last window that had conversations. */
  lastUnsignedRate?: number;
}

export const initialRollingState = (): RollingState => ({
  windowsAudited: 0,
  totals: { conversations: 0, byStatus: {} },
});

/** One run audits at most a day: a deployment that was off for a week catches up a day per run, not in one job. */
export const MAX_ROLLING_WINDOW_MS = 24 * 3_600_000;

/**
 * The next window to audit, or undefined when the data lake holds nothing new. The first window
 * reaches one interval back from the availability date; later ones start where the last ended.
 * `availableUntil` is the details jobs' availability date, never later than now.
 */
export function nextWindow(state: RollingState, availableUntil: number, intervalMs: number): Span | undefined {
  const start = state.auditedUntil ?? availableUntil - intervalMs;
  const end = Math.min(availableUntil, start + MAX_ROLLING_WINDOW_MS);
  return end > start ? { start, end } : undefined;
}

/**
 * The state once the current window's audit is done: auditedUntil moves to the end of what the
 * audit covered (the whole window, unless the data lake's availability date was earlier when the
 * audit ran: the rest is the next window's), and its counts join the totals.
 */
export function afterWindow(
  state: RollingState,
  audit: { audited?: Span; summary: AuditSummary },
  now: number,
): RollingState {
  const window = state.current?.window;
  if (!window) throw new Error('afterWindow needs a current window');
  const byStatus = { ...state.totals.byStatus };
  for (const [status, count] of Object.entries(audit.summary.byStatus) as [AuditStatus, number][]) {
    byStatus[status] = (byStatus[status] ?? 0) + count;
  }
  return {
    auditedUntil: audit.audited?.end ?? window.start,
    lastSuccessAt: now,
    windowsAudited: state.windowsAudited + 1,
    totals: { conversations: state.totals.conversations + audit.summary.conversations, byStatus },
    ...(audit.summary.conversations > 0
      ? { lastUnsignedRate: unsignedRate(audit.summary) }
      : state.lastUnsignedRate !== undefined
        ? { lastUnsignedRate: state.lastUnsignedRate }
        : {}),
  };
}

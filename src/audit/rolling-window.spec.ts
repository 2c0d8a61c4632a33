import { emptySummary, type AuditSummary } from './audit-summary';
import {
  MAX_ROLLING_WINDOW_MS,
  afterWindow,
  initialRollingState,
  nextWindow,
  type RollingState,
} from './rolling-window';

const MINUTE = 60_000;
const T = Date.parse('2026-12-07T09:00:00.000Z');

const summaryOf = (byStatus: AuditSummary['byStatus']): AuditSummary => ({
  ...emptySummary(),
  conversations: Object.values(byStatus).reduce((sum, count) => sum + (count ?? 0), 0),
  byStatus,
});

describe('nextWindow', () => {
  it('reaches one interval back from the availability date on the first run', () => {
    expect(nextWindow(initialRollingState(), T, 10 * MINUTE)).toEqual({ start: T - 10 * MINUTE, end: T });
  });

  it('starts where the last window ended and ends at the availability date, whenever the run comes', () => {
    const state: RollingState = { ...initialRollingState(), auditedUntil: T };
    expect(nextWindow(state, T + 13 * MINUTE, 10 * MINUTE)).toEqual({ start: T, end: T + 13 * MINUTE });
  });

  it('is empty when the data lake has nothing new (its availability date has not moved past the last window)', () => {
    const state: RollingState = { ...initialRollingState(), auditedUntil: T };
    expect(nextWindow(state, T, 10 * MINUTE)).toBeUndefined();
    expect(nextWindow(state, T - MINUTE, 10 * MINUTE)).toBeUndefined();
  });

  it('covers at most a day, so a long outage is caught up a day per run', () => {
    const state: RollingState = { ...initialRollingState(), auditedUntil: T };
    expect(nextWindow(state, T + 7 * 24 * 60 * MINUTE, 10 * MINUTE)).toEqual({
      start: T,
      end: T + MAX_ROLLING_WINDOW_MS,
    });
  });
});

describe('afterWindow', () => {
  const running: RollingState = {
    ...initialRollingState(),
    auditedUntil: T,
    current: { auditId: 'a', window: { start: T, end: T + 10 * MINUTE } },
    windowsAudited: 4,
    totals: { conversations: 10, byStatus: { verified: 9, unsigned: 1 } },
    lastUnsignedRate: 0.1,
  };

  it('moves past the window, adds its counts, and ends the run', () => {
    const next = afterWindow(
      running,
      { audited: { start: T, end: T + 10 * MINUTE }, summary: summaryOf({ verified: 6, tampered: 1, unsigned: 3 }) },
      T + 11 * MINUTE,
    );
    expect(next).toEqual({
      auditedUntil: T + 10 * MINUTE,
      lastSuccessAt: T + 11 * MINUTE,
      windowsAudited: 5,
      totals: { conversations: 20, byStatus: { verified: 15, tampered: 1, unsigned: 4 } },
      lastUnsignedRate: 0.3,
    });
  });

  it('moves only as far as the audit covered: the rest of the window is the next one', () => {
    const next = afterWindow(
      running,
      { audited: { start: T, end: T + 4 * MINUTE }, summary: summaryOf({ verified: 2 }) },
      T + 11 * MINUTE,
    );
    expect(next.auditedUntil).toBe(T + 4 * MINUTE);
    expect(nextWindow(next, T + 12 * MINUTE, 10 * MINUTE)).toEqual({ start: T + 4 * MINUTE, end: T + 12 * MINUTE });
  });

  it('stays at the window start when none of it was available, and keeps the last unsigned rate of a window with conversations', () => {
    const next = afterWindow(running, { summary: emptySummary() }, T + 11 * MINUTE);
    expect(next.auditedUntil).toBe(T);
    expect(next.lastUnsignedRate).toBe(0.1);
  });
});

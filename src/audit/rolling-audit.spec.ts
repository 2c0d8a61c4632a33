import { ManualClock } from '../../test/support/manual-clock';
import { inMemorySharedState } from '../../test/support/in-memory-shared-state';
import { strictFake } from '../../test/support/strict-fake';
import type { WorkQueues } from '../cache-store/work-queue';
import type { GenesysClient } from '../genesys/genesys.client';
import { ServiceMetrics } from '../metrics/service-metrics';
import type { AuditScheduler } from './audit-scheduler';
import { AuditStore } from './audit-store';
import { emptySummary, type AuditSummary } from './audit-summary';
import type { AuditConfig } from './audit.config';
import { ROLLING_AUDITOR, RollingAudit } from './rolling-audit';
import { RollingAuditStore } from './rolling-audit-store';

const MINUTE = 60_000;
const EVERY = 10 * MINUTE;
const config = {
  retentionMs: 24 * 60 * MINUTE,
  pollIntervalMs: 1000,
  schedule: '10m',
  scheduleMs: EVERY,
} as AuditConfig;

const summaryOf = (byStatus: AuditSummary['byStatus']): AuditSummary => ({
  ...emptySummary(),
  conversations: Object.values(byStatus).reduce((sum, count) => sum + (count ?? 0), 0),
  byStatus,
  attributes: { userTier: { mismatch: byStatus.tampered ?? 0, missing: 0, unexpected: 0, case_mismatch: 0, late: 0 } },
});

/**
 * Instances of one deployment: each its own RollingAudit and metrics, sharing the audit store and
 * the rolling state (what Redis is to real instances). The audit queue is a fake that records what
 * was queued; `finish` plays the runner.
 */
function deployment() {
  const clock = new ManualClock();
  const shared = inMemorySharedState();
  const audits = new AuditStore(shared, config, clock);
  const state = new RollingAuditStore(shared);
  let availableUntil = clock.now() - MINUTE;
  const queued: string[] = [];
  const instance = () => {
    const metrics = new ServiceMetrics();
    const rolling = new RollingAudit(
      state,
      audits,
      strictFake<AuditScheduler>('AuditScheduler', { enqueue: async (id) => void queued.push(id) }),
      strictFake<GenesysClient>('GenesysClient', {
        getDetailsJobsAvailability: async () => new Date(availableUntil).toISOString(),
      }),
      strictFake<WorkQueues>('WorkQueues', {}),
      config,
      clock,
      metrics,
    );
    return { rolling, metrics };
  };
  const finish = async (id: string, summary: AuditSummary, outcome: 'done' | 'failed' = 'done') => {
    const stored = await audits.find(id);
    if (!stored) throw new Error(`no audit ${id}`);
    await audits.transition(id, ['queued'], 'running', 'T');
    const { start, end } = stored.record.request;
    await audits.checkpoint({
      ...stored.record,
      summary,
      coverage: { dataAvailabilityDate: 'T', audited: { start, end } },
    });
    await audits.transition(id, ['running'], outcome, 'T');
  };
  return {
    clock,
    audits,
    state,
    queued,
    instance,
    finish,
    setAvailable: (at: number) => (availableUntil = at),
    available: () => availableUntil,
  };
}

const counted = async (metrics: ServiceMetrics, name: string) =>
  (await metrics.registry.getSingleMetric(name)?.get())?.values.map(({ labels, value }) => ({ labels, value })) ?? [];

const never = new AbortController().signal;

describe('RollingAudit', () => {
  it('audits one interval back from the availability date first, then from where it stopped, counting each window once', async () => {
    const d = deployment();
    const { rolling, metrics } = d.instance();
    const first = d.available();
    const run = rolling.run(EVERY, never);
    await d.clock.drive(
      (async () => {
        while (d.queued.length === 0) await new Promise((resolve) => setImmediate(resolve));
        await d.finish(d.queued[0], summaryOf({ verified: 8, tampered: 2 }));
        await run;
      })(),
    );
    const audit = await d.audits.find(d.queued[0]);
    expect(audit?.record).toMatchObject({
      requestedBy: ROLLING_AUDITOR,
      request: { start: first - EVERY, end: first },
    });
    expect((await d.state.read()).state).toMatchObject({
      auditedUntil: first,
      windowsAudited: 1,
      totals: { conversations: 10, byStatus: { verified: 8, tampered: 2 } },
    });
    expect(await counted(metrics, 'wm_rolling_audit_conversations_total')).toEqual([
      { labels: { status: 'verified' }, value: 8 },
      { labels: { status: 'tampered' }, value: 2 },
    ]);
    expect(await counted(metrics, 'wm_rolling_audit_attribute_findings_total')).toEqual([
      { labels: { attribute: 'userTier', status: 'mismatch' }, value: 2 },
    ]);

    d.clock.advance(10 * MINUTE);
    d.setAvailable(first + 7 * MINUTE);
    const second = rolling.run(EVERY, never);
    while (d.queued.length === 1) await new Promise((resolve) => setImmediate(resolve));
    expect((await d.audits.find(d.queued[1]))?.record.request).toMatchObject({ start: first, end: first + 7 * MINUTE });
    await d.finish(d.queued[1], summaryOf({ unsigned: 1 }));
    await d.clock.drive(second);
    expect((await d.state.read()).state).toMatchObject({ auditedUntil: first + 7 * MINUTE, lastUnsignedRate: 1 });
  });

  it('two instances that both find the window done count it once between them', async () => {
    const d = deployment();
    const a = d.instance();
    const b = d.instance();
    const planning = a.rolling.run(EVERY, never);
    while (d.queued.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // b takes the run over (a looked stalled) while a still waits: both wait for the same audit.
    const takenOver = b.rolling.run(EVERY, never);
    await new Promise((resolve) => setImmediate(resolve));
    await d.finish(d.queued[0], summaryOf({ verified: 5 }));
    await d.clock.drive(Promise.all([planning, takenOver]));
    const total = async (metrics: ServiceMetrics) =>
      (await counted(metrics, 'wm_rolling_audit_conversations_total')).reduce((sum, { value }) => sum + value, 0);
    expect((await total(a.metrics)) + (await total(b.metrics))).toBe(5);
    expect((await d.state.read()).state).toMatchObject({ windowsAudited: 1, totals: { conversations: 5 } });
    expect(d.queued).toEqual([d.queued[0], d.queued[0]]);
  });

  it('audits a failed window again on the next run, from the same start', async () => {
    const d = deployment();
    const { rolling } = d.instance();
    const first = d.available();
    const run = rolling.run(EVERY, never);
    while (d.queued.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await d.finish(d.queued[0], emptySummary(), 'failed');
    await d.clock.drive(run);
    const { state } = await d.state.read();
    expect(state.current).toBeUndefined();
    expect(state.auditedUntil).toBeUndefined();

    d.setAvailable(first + MINUTE);
    const again = rolling.run(EVERY, never);
    while (d.queued.length === 1) await new Promise((resolve) => setImmediate(resolve));
    // No window done yet: still one interval back from the (new) availability date.
    expect((await d.audits.find(d.queued[1]))?.record.request).toMatchObject({ start: first + MINUTE - EVERY });
    await d.finish(d.queued[1], summaryOf({ verified: 1 }));
    await d.clock.drive(again);
    expect((await d.state.read()).state.totals.conversations).toBe(1);
  });

  it('plans nothing when the data lake has nothing new, and still counts the run a success', async () => {
    const d = deployment();
    const { rolling } = d.instance();
    const { version } = await d.state.read();
    await d.state.replace(version, { ...(await d.state.read()).state, auditedUntil: d.available() });
    d.clock.advance(MINUTE);
    await rolling.run(EVERY, never);
    expect(d.queued).toEqual([]);
    expect((await d.state.read()).state.lastSuccessAt).toBe(d.clock.now());
  });

  it('of two runs planning at once, one plans: the other cancels its audit unstarted', async () => {
    const d = deployment();
    const a = d.instance();
    const b = d.instance();
    const both = [a.rolling.run(EVERY, never), b.rolling.run(EVERY, never)];
    while (d.queued.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await d.finish(d.queued[0], summaryOf({ verified: 3 }));
    await d.clock.drive(Promise.all(both));
    expect(new Set(d.queued).size).toBe(1);
    expect((await d.state.read()).state).toMatchObject({ windowsAudited: 1, totals: { conversations: 3 } });
  });
});

import { ManualClock } from '../../test/support/manual-clock';
import { inMemorySharedState } from '../../test/support/in-memory-shared-state';
import { REGISTRY, verificationKit } from '../../test/support/verification-kit';
import { ApiError } from '../errors/api-error';
import type { AnalyticsConversation, DetailsJobPage, DetailsJobStatus } from '../genesys/analytics-response';
import type { GenesysClient } from '../genesys/genesys.client';
import { AuditRunner } from './audit-runner';
import { AuditStore, type AuditRecord } from './audit-store';
import { emptySummary } from './audit-summary';
import type { AuditConfig } from './audit.config';

const HOUR = 3_600_000;
const config = { pollIntervalMs: 1000, pageSize: 2, maxConversationLookups: 10, retentionMs: 24 * HOUR } as AuditConfig;

/**
 * Genesys's analytics jobs as a script: availability, one job per window, its states in turn,
 * its pages; each call recorded. Only what the runner may call is there (a strict fake).
 */
function scriptedJobs(pages: DetailsJobPage[], states: DetailsJobStatus[] = [{ state: 'FULFILLED' }]) {
  const calls: string[] = [];
  const stateQueue = [...states];
  const genesys: Partial<GenesysClient> = {
    getDetailsJobsAvailability: async () => {
      calls.push('availability');
      return '2026-11-24T08:00:00.000Z';
    },
    submitDetailsJob: async () => {
      calls.push('submit');
      return 'job-1';
    },
    getDetailsJob: async () => {
      calls.push('status');
      return stateQueue.length > 1 ? (stateQueue.shift() as DetailsJobStatus) : stateQueue[0];
    },
    getDetailsJobResults: async (_jobId: string, cursor: string | undefined) => {
      calls.push(`page ${cursor ?? 'first'}`);
      return pages[cursor === undefined ? 0 : Number(cursor)];
    },
    cancelDetailsJob: async () => {
      calls.push('cancel');
    },
  };
  return { genesys, calls };
}

/**
 * The runner with the real verification and an in-memory store; an audit of the hour before the availability date,
 * created and queued.
 */
async function setUp(genesys: Partial<GenesysClient>) {
  // Before the audited hour: sets issued "now" are in force when its conversations start.
  const clock = new ManualClock(Date.parse('2026-11-24T07:10:00.000Z'));
  const kit = verificationKit(genesys, clock);
  const store = new AuditStore(inMemorySharedState(), config, clock);
  const runner = new AuditRunner(store, kit.genesys, kit.service, REGISTRY, config, clock, kit.metrics);
  const record: AuditRecord = {
    id: 'audit-1',
    createdAt: new Date(clock.now()).toISOString(),
    requestedBy: 'auditor',
    request: {
      start: Date.parse('2026-11-24T07:00:00.000Z'),
      end: Date.parse('2026-11-24T08:00:00.000Z'),
      queueIds: [],
    },
    progress: { windows: [], windowIndex: 0, pagesRead: 0, lookups: 0 },
    summary: emptySummary(),
    runs: 0,
  };
  await store.create(record);
  const shutdown = new AbortController();
  /** Runs the audit to its end, the clock moving over every wait. */
  const run = () => clock.drive(runner.run(record.id, shutdown.signal));
  return { clock, kit, store, runner, run, shutdown };
}

const conversation = (id: string, attributes: Record<string, string>): AnalyticsConversation => ({
  conversationId: id,
  conversationStart: '2026-11-24T07:30:00.000Z',
  participants: [
    { participantId: `p-${id}`, purpose: 'customer', attributes, webMessaging: true, queueIds: ['queue-1'] },
  ],
});

describe('AuditRunner', () => {
  it('runs an audit to done: one job, polled until fulfilled, read page by page, each conversation judged and counted once', async () => {
    const script = scriptedJobs([], [{ state: 'QUEUED' }, { state: 'RUNNING' }, { state: 'FULFILLED' }]);
    const { kit, store, run } = await setUp(script.genesys);
    const signed = kit.issue();
    script.genesys.getDetailsJobResults = async (_jobId: string, cursor: string | undefined) => {
      script.calls.push(`page ${cursor ?? 'first'}`);
      return cursor === undefined
        ? {
            conversations: [conversation('c1', signed), conversation('c2', { ...signed, userTier: 'Bronze' })],
            cursor: '1',
          }
        : { conversations: [conversation('c3', { userId: 'usr_3' })] };
    };
    await run();
    expect(script.calls).toEqual(['availability', 'submit', 'status', 'status', 'status', 'page first', 'page 1']);
    const done = await store.find('audit-1');
    expect(done).toMatchObject({ state: 'done', record: { runs: 1, progress: { pagesRead: 2, windowIndex: 1 } } });
    expect(done?.record.summary).toMatchObject({
      conversations: 3,
      byStatus: { verified: 1, tampered: 1, unsigned: 1 },
    });
    expect(
      (await store.results('audit-1', 0, 10)).map((line) => (JSON.parse(line) as { status: string }).status),
    ).toEqual(['verified', 'tampered', 'unsigned']);
    expect(await kit.samples('wm_audit_conversations_total')).toContainEqual(
      expect.stringContaining('status="tampered"} 1'),
    );
  });

  it('resumes an interrupted audit at its stored page: no page read twice, none skipped', async () => {
    const pages: DetailsJobPage[] = [
      { conversations: [conversation('c1', { userId: 'usr_1' })], cursor: '1' },
      { conversations: [conversation('c2', { userId: 'usr_2' })] },
    ];
    const script = scriptedJobs(pages);
    const { store, run } = await setUp(script.genesys);
    const found = await store.find('audit-1');
    const record = found?.record as AuditRecord;
    expect(await store.claim('audit-1', 'T0')).toBe(1);
    const window = { start: record.request.start, end: record.request.end };
    await store.checkpoint(
      {
        ...record,
        runs: 1,
        coverage: { dataAvailabilityDate: '2026-11-24T08:00:00.000Z', audited: window },
        progress: {
          ...record.progress,
          windows: [window],
          jobId: 'job-1',
          genesysJobState: 'FULFILLED',
          cursor: '1',
          pagesRead: 1,
        },
      },
      ['{"conversationId":"c1","status":"unsigned","findings":[],"settledBy":"job_results"}'],
    );
    await run();
    expect(script.calls).toEqual(['page 1']);
    expect((await store.find('audit-1'))?.record).toMatchObject({ runs: 2, progress: { pagesRead: 2 } });
    expect(await store.results('audit-1', 0, 10)).toHaveLength(2);
  });

  it('a run that stalled past its queue lock stores nothing once another run has taken the audit over', async () => {
    const script = scriptedJobs([
      { conversations: [conversation('c1', { userId: 'usr_1' })], cursor: '1' },
      { conversations: [conversation('c2', { userId: 'usr_2' })], cursor: '2' },
      { conversations: [conversation('c3', { userId: 'usr_3' })] },
    ]);
    const readPage = script.genesys.getDetailsJobResults as GenesysClient['getDetailsJobResults'];
    // The first fetch of page 1 (the first run's) and of page 2 (the second run's) wait until released.
    const held = new Map<string, () => void>();
    const holding = new Set(['1', '2']);
    script.genesys.getDetailsJobResults = async (jobId: string, cursor: string | undefined, pageSize: number) => {
      if (cursor !== undefined && holding.delete(cursor))
        await new Promise<void>((resolve) => held.set(cursor, resolve));
      return readPage(jobId, cursor, pageSize);
    };
    const { store, runner, shutdown } = await setUp(script.genesys);
    const turns = async (until: () => boolean) => {
      while (!until()) await new Promise((resolve) => setImmediate(resolve));
    };
    const first = runner.run('audit-1', shutdown.signal);
    await turns(() => held.has('1'));
    // Its queue lock lapsed meanwhile: the queue handed the audit to a second run, which reads page 1 and stops at 2.
    const second = runner.run('audit-1', shutdown.signal);
    await turns(() => held.has('2'));
    held.get('1')?.();
    await first;
    held.get('2')?.();
    await second;

    const audit = await store.find('audit-1');
    expect(audit).toMatchObject({ state: 'done', record: { runs: 2, summary: { conversations: 3 } } });
    const judged = (await store.results('audit-1', 0, 10)).map(
      (line) => (JSON.parse(line) as { conversationId: string }).conversationId,
    );
    expect(judged).toEqual(['c1', 'c2', 'c3']);
  });

  it("waits out a rate limit for as long as Genesys's Retry-After says, on the clock, then goes on", async () => {
    const script = scriptedJobs([{ conversations: [] }]);
    const availability = script.genesys.getDetailsJobsAvailability as () => Promise<string>;
    let refusals = 1;
    script.genesys.getDetailsJobsAvailability = async () => {
      if (refusals-- > 0)
        throw new ApiError(429, 'upstream_rate_limited', 'Genesys Cloud is rate limiting this service.', [], {
          'retry-after': '20',
        });
      return availability();
    };
    const { clock, store, run } = await setUp(script.genesys);
    const started = clock.now();
    await run();
    expect(clock.now() - started).toBe(20_000);
    expect((await store.find('audit-1'))?.state).toBe('done');
  });

  it('fails after eight transient failures in a row, says why, and cancels the job it held', async () => {
    const script = scriptedJobs([]);
    script.genesys.getDetailsJob = async () => {
      script.calls.push('status');
      throw new ApiError(502, 'upstream_unavailable', 'Genesys Cloud is unavailable: status 503');
    };
    const { store, run } = await setUp(script.genesys);
    await run();
    expect(script.calls.filter((call) => call === 'status')).toHaveLength(8);
    expect(script.calls.at(-1)).toBe('cancel');
    expect(await store.find('audit-1')).toMatchObject({
      state: 'failed',
      record: { failure: { code: 'upstream_unavailable' } },
    });
  });

  it('makes no further Genesys request once the audit is cancelled (the canceller cancels the job it stored)', async () => {
    const script = scriptedJobs([], [{ state: 'RUNNING' }]);
    const { store, clock, run } = await setUp(script.genesys);
    const running = run();
    // Cancelled while the runner waits between two polls of a running job.
    while (clock.sleepers === 0) await new Promise((resolve) => setImmediate(resolve));
    await store.transition('audit-1', ['running'], 'cancelled', 'T1');
    await running;
    expect(script.calls).toEqual(['availability', 'submit', 'status']);
    expect((await store.find('audit-1'))?.state).toBe('cancelled');
  });

  it('ends a job Genesys reports failed as a failed audit, with its message', async () => {
    const script = scriptedJobs([], [{ state: 'FAILED', errorMessage: 'query too broad' }]);
    const { store, run } = await setUp(script.genesys);
    await run();
    expect(await store.find('audit-1')).toMatchObject({
      state: 'failed',
      record: { failure: { code: 'job_failed', message: 'The Genesys Cloud details job failed: query too broad.' } },
    });
  });
});

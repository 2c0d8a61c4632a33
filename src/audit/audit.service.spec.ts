import { ManualClock } from '../../test/support/manual-clock';
import { inMemorySharedState } from '../../test/support/in-memory-shared-state';
import { refusalOf } from '../../test/support/refusal';
import { strictFake } from '../../test/support/strict-fake';
import { SharedStateUnavailableError } from '../cache-store/shared-state.store';
import type { GenesysClient } from '../genesys/genesys.client';
import { ServiceMetrics } from '../metrics/service-metrics';
import type { AuditScheduler } from './audit-scheduler';
import { AuditStore } from './audit-store';
import type { AuditConfig } from './audit.config';
import { AuditService, type AuditReader } from './audit.service';

const HOUR = 3_600_000;
const config = { maxDays: 31, retentionMs: 24 * HOUR, visitorSearchWaitMs: 2000 } as AuditConfig;
const owner: AuditReader = { subject: 'auditor', admin: false };
const stranger: AuditReader = { subject: 'someone-else', admin: false };
const admin: AuditReader = { subject: 'ops', admin: true };

function setUp(store?: AuditStore) {
  const clock = new ManualClock(Date.parse('2026-11-24T09:00:00.000Z'));
  const auditStore = store ?? new AuditStore(inMemorySharedState(), config, clock);
  const enqueued: string[] = [];
  const cancelledJobs: string[] = [];
  const scheduler = strictFake<AuditScheduler>('AuditScheduler', {
    enqueue: async (id: string) => void enqueued.push(id),
  });
  const genesys = strictFake<GenesysClient>('GenesysClient', {
    cancelDetailsJob: async (jobId: string) => void cancelledJobs.push(jobId),
  });
  const service = new AuditService(auditStore, scheduler, genesys, config, clock, new ServiceMetrics());
  return { clock, store: auditStore, service, enqueued, cancelledJobs };
}

/** The refusal's status and code, from an ApiError. */

describe('AuditService', () => {
  it('creates an audit of the period up to now on the injected clock, queued once, its queue ids without repeats', async () => {
    const { service, enqueued } = setUp();
    const audit = await service.create({ since: '2026-11-24T07:00:00.000Z', queueIds: ['q1', 'q1', 'q2'] }, 'auditor');
    expect(audit).toMatchObject({
      state: 'queued',
      period: { start: '2026-11-24T07:00:00.000Z', end: '2026-11-24T09:00:00.000Z' },
      queueIds: ['q1', 'q2'],
      createdAt: '2026-11-24T09:00:00.000Z',
      progress: { jobs: 1, jobsDone: 0 },
    });
    expect(enqueued).toEqual([audit.id]);
  });

  it('refuses a period that ends before it starts or is longer than AUDIT_MAX_DAYS, before anything is queued', async () => {
    const { service, enqueued } = setUp();
    expect(
      await refusalOf(
        service.create({ since: '2026-11-24T08:00:00.000Z', until: '2026-11-24T07:00:00.000Z' }, 'auditor'),
      ),
    ).toMatchObject({ status: 400, code: 'invalid_period' });
    expect(await refusalOf(service.create({ since: '2026-10-01T00:00:00.000Z' }, 'auditor'))).toMatchObject({
      status: 400,
      code: 'invalid_period',
    });
    expect(enqueued).toEqual([]);
  });

  it('shows an audit to its creator and to audits:admin; to anyone else it does not exist', async () => {
    const { service } = setUp();
    const { id } = await service.create({ since: '2026-11-24T07:00:00.000Z' }, 'auditor');
    expect((await service.find(id, owner)).id).toBe(id);
    expect((await service.find(id, admin)).id).toBe(id);
    expect(await refusalOf(service.find(id, stranger))).toMatchObject({ status: 404, code: 'audit_not_found' });
    expect(await refusalOf(service.cancel(id, stranger))).toMatchObject({ status: 404, code: 'audit_not_found' });
  });

  it('cancels a running audit and the Genesys job it stored; an ended audit stays as it ended (409)', async () => {
    const { service, store, cancelledJobs } = setUp();
    const { id } = await service.create({ since: '2026-11-24T07:00:00.000Z' }, 'auditor');
    const record = (await store.find(id))?.record;
    await store.transition(id, ['queued'], 'running', 'T0');
    if (record) await store.checkpoint({ ...record, progress: { ...record.progress, jobId: 'job-7' } });
    expect((await service.cancel(id, owner)).state).toBe('cancelled');
    expect(cancelledJobs).toEqual(['job-7']);
    expect(await refusalOf(service.cancel(id, owner))).toMatchObject({ status: 409, code: 'audit_ended' });
  });

  it('streams stored verdicts as CSV: the header, then a line per verdict', async () => {
    const { service, store } = setUp();
    const { id } = await service.create({ since: '2026-11-24T07:00:00.000Z' }, 'auditor');
    await store.transition(id, ['queued'], 'running', 'T0');
    const record = (await store.find(id))?.record;
    if (record)
      await store.checkpoint(record, [
        '{"conversationId":"c1","status":"unsigned","findings":[],"settledBy":"job_results"}',
      ]);
    const { lines } = await service.results(id, 'csv', owner);
    let text = '';
    for await (const chunk of lines) text += chunk;
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
    expect(text).toContain('c1,');
  });

  it('answers 503 with Retry-After when Redis does not answer, and 429 when memory holds as many audits as it can', async () => {
    const unavailable = strictFake<AuditStore>('AuditStore', {
      create: async () => {
        throw new SharedStateUnavailableError('audit create');
      },
    });
    expect(
      await refusalOf(setUp(unavailable).service.create({ since: '2026-11-24T07:00:00.000Z' }, 'auditor')),
    ).toMatchObject({
      status: 503,
      code: 'shared_state_unavailable',
      headers: { 'retry-after': '5' },
    });
    const { service } = setUp();
    for (let index = 0; index < 50; index += 1) await service.create({ since: '2026-11-24T07:00:00.000Z' }, 'auditor');
    expect(await refusalOf(service.create({ since: '2026-11-24T07:00:00.000Z' }, 'auditor'))).toMatchObject({
      status: 429,
      code: 'too_many_audits',
    });
  });

  it('answers a visitor search with the audit itself when it has not ended within VISITOR_SEARCH_WAIT_MS on the clock', async () => {
    const { clock, service } = setUp();
    const started = clock.now();
    const answer = await clock.drive(service.visitorConversations('usr_1001', '2026-11-24T07:00:00.000Z', 'auditor'));
    expect('pending' in answer && answer.pending).toMatchObject({ state: 'queued', userId: 'usr_1001' });
    expect(clock.now() - started).toBe(2000);
  });
});

import { join } from 'node:path';
import { generateAuditSample } from './support/audit-sample';
import { ManualClock } from './support/manual-clock';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, signTestToken } from './support/test-tokens';

const HOUR = 3_600_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the audit's JSON, read field by field
type AuditBody = Record<string, any>;
const token = serviceToken(['conversations:verify']);
const auth = { authorization: `Bearer ${token}` };
/**
 * The shipped registry and an optional `note` of up to 1024 characters: as long as analytics job results keep a value.
 */
const LONG_NOTE_REGISTRY = join(__dirname, 'fixtures', 'attributes-with-long-note.yaml');
const NOTE = 'n'.repeat(1024);

describe('Audits of a period (e2e, against the emulator)', () => {
  let clock: ManualClock;
  let t: TestApp;

  beforeEach(async () => {
    clock = new ManualClock();
    t = await startTestApp({ clock, env: { AUDIT_POLL_INTERVAL_MS: '1000', ATTRIBUTES_FILE: LONG_NOTE_REGISTRY } });
  });
  afterEach(() => t.close());

  const span = () => ({ start: clock.now() - 30 * HOUR, end: clock.now() - 26 * HOUR });
  const iso = (at: number) => new Date(at).toISOString();
  const drive = <T>(work: Promise<T>) => clock.drive(work, () => t.upstreamInFlight() > 0);

  /**
   * Reads the audit until it has ended (each read is a real HTTP request; the clock moves only while the service
   * waits).
   */
  async function untilEnded(id: string): Promise<AuditBody> {
    for (;;) {
      const response = await t.http.get(`/api/verification/audits/${id}`).set(auth).expect(200);
      if (!['queued', 'running'].includes(response.body.state)) return response.body;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async function audit(body: Record<string, unknown>): Promise<AuditBody> {
    const created = await t.http.post('/api/verification/audits').set(auth).send(body).expect(202);
    expect(created.headers.location).toBe(`/api/verification/audits/${created.body.id}`);
    return drive(untilEnded(created.body.id));
  }

  it('counts a generated mix exactly, from a handful of Genesys requests, and streams the verdicts as NDJSON and CSV', async () => {
    const { start, end } = span();
    const { names } = await generateAuditSample(
      t.app,
      t.emulator,
      { start, end },
      { intact: 120, tampered: 30, unsigned: 25, late: 15, legacy: 10 },
    );
    t.emulator.control.resetCounters();
    const done = await audit({ since: iso(start), until: iso(end) });

    expect(done.state).toBe('done');
    expect(done.summary.conversations).toBe(200);
    expect(done.summary.byStatus).toEqual({ verified: 120, tampered: 30, unsigned: 35, issued_after_start: 15 });
    expect(done.summary.noCustomAttributes).toBe(10);
    // The ledger holds every issued set here: each tampered conversation names its changed attribute.
    expect(done.summary.tamperedWithoutIssuedSet).toBe(0);
    expect(done.summary.unsignedRate).toBe(0.175);
    expect(done.summary.attributes[names[0]]).toEqual({
      mismatch: 30,
      missing: 10,
      unexpected: 0,
      case_mismatch: 0,
      late: 15,
    });
    expect(done.coverage.audited).toEqual({ start: iso(start), end: iso(end) });
    expect(done.coverage.notYetAvailable).toBeUndefined();
    expect(done.progress).toMatchObject({
      jobs: 1,
      jobsDone: 1,
      pagesRead: 1,
      conversationsChecked: 200,
      conversationLookups: 0,
      runs: 1,
    });

    const calls = t.emulator.control.counters().apiCalls;
    expect(calls['analytics.jobs.availability']).toBe(1);
    expect(calls['analytics.jobs.create']).toBe(1);
    expect(calls['analytics.jobs.results']).toBe(1);
    expect(calls['conversations.get']).toBe(0);

    const ndjson = await t.http.get(`/api/verification/audits/${done.id}/results`).set(auth).expect(200);
    expect(ndjson.headers['content-type']).toContain('application/x-ndjson');
    const verdicts = ndjson.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(verdicts).toHaveLength(200);
    expect(new Set(verdicts.map((verdict) => verdict.conversationId)).size).toBe(200);
    expect(
      verdicts
        .filter((verdict) => verdict.status === 'tampered')
        .every((verdict) => verdict.signatureProblem === 'mismatch'),
    ).toBe(true);

    const csv = await t.http
      .get(`/api/verification/audits/${done.id}/results`)
      .set({ ...auth, accept: 'text/csv' })
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.text.trim().split('\r\n');
    expect(rows[0]).toBe(
      'conversationId,conversationStart,status,userId,claimedUserId,signatureProblem,arrival,findings,issuedSetUnknown,truncated,noCustomAttributes,settledBy,queueIds,problem',
    );
    expect(rows).toHaveLength(201);
  });

  it('reports the part of the period past the availability date as not available, not as empty', async () => {
    const start = clock.now() - 4 * HOUR;
    await generateAuditSample(t.app, t.emulator, { start, end: clock.now() }, { intact: 40 });
    t.emulator.control.setAnalyticsAvailabilityLag(2 * HOUR);
    const done = await audit({ since: iso(start) });
    expect(done.state).toBe('done');
    expect(done.coverage.notYetAvailable.start).toBe(done.coverage.dataAvailabilityDate);
    expect(done.coverage.audited.end).toBe(done.coverage.dataAvailabilityDate);
    // The seeded conversation of three hours ago and the half of the 40 that started before the availability date.
    expect(done.summary.conversations).toBe(21);
  });

  it('settles a value analytics cut at 1024 characters with one conversation GET, and says so', async () => {
    const { start, end } = span();
    await generateAuditSample(t.app, t.emulator, { start, end }, { intact: 5 }, { extra: { note: NOTE } });
    t.emulator.control.resetCounters();
    const done = await audit({ since: iso(start), until: iso(end) });
    expect(done.summary.byStatus).toEqual({ verified: 5 });
    expect(done.summary).toMatchObject({ truncated: 5, settledByConversation: 5 });
    expect(t.emulator.control.counters().apiCalls['conversations.get']).toBe(5);
    const lines = (await t.http.get(`/api/verification/audits/${done.id}/results`).set(auth).expect(200)).text
      .trim()
      .split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ status: 'verified', truncated: ['note'], settledBy: 'conversation' });
  });

  it('does not verify what analytics cut: text a visitor appends to a 1024-character value is found by the GET', async () => {
    const { start, end } = span();
    await generateAuditSample(
      t.app,
      t.emulator,
      { start, end },
      { intact: 5 },
      { extra: { note: NOTE }, edit: (set) => ({ ...set, note: `${set.note} and Gold for ever` }) },
    );
    const done = await audit({ since: iso(start), until: iso(end) });
    expect(done.summary.byStatus).toEqual({ tampered: 5 });
    expect(done.summary).toMatchObject({
      truncated: 5,
      settledByConversation: 5,
      attributes: { note: expect.objectContaining({ mismatch: 5 }) },
    });
  });

  it('spends lookups only where they can change a verdict, and reports the rest unsettled, never clean', async () => {
    await t.close();
    t = await startTestApp({
      clock,
      env: { AUDIT_POLL_INTERVAL_MS: '1000', ATTRIBUTES_FILE: LONG_NOTE_REGISTRY, AUDIT_MAX_CONVERSATION_LOOKUPS: '2' },
    });
    const junkFrom = clock.now() - 30 * HOUR;
    const forgedFrom = clock.now() - 28 * HOUR;
    // Junk first: long values no whole value could redeem (no signature, a signature that is not ours, a value no
    // registry attribute allows).
    await generateAuditSample(
      t.app,
      t.emulator,
      { start: junkFrom, end: junkFrom + HOUR },
      { unsigned: 20 },
      { extra: { note: 'j'.repeat(2000) } },
    );
    await generateAuditSample(
      t.app,
      t.emulator,
      { start: junkFrom + HOUR, end: forgedFrom },
      { intact: 10 },
      {
        extra: { note: NOTE },
        edit: (set) => ({ ...set, attributesSignature: 'v2.forged', userTier: 'G'.repeat(1500) }),
      },
    );
    // Then forged conversations whose cut value looks as issued.
    await generateAuditSample(
      t.app,
      t.emulator,
      { start: forgedFrom, end: forgedFrom + HOUR },
      { intact: 3 },
      { extra: { note: NOTE }, edit: (set) => ({ ...set, note: `${NOTE}!` }) },
    );
    const done = await audit({ since: iso(junkFrom), until: iso(forgedFrom + HOUR) });
    expect(done.summary.byStatus).toEqual({ unsigned: 20, tampered: 12, unsettled: 1 });
    expect(done.progress.conversationLookups).toBe(2);
    expect(t.emulator.control.counters().apiCalls['conversations.get']).toBe(2);
  });

  it('honours a 429 from the jobs API: waits its Retry-After, then goes on', async () => {
    const { start, end } = span();
    await generateAuditSample(t.app, t.emulator, { start, end }, { intact: 10 });
    // More than the Genesys client's own retry budget waits, so the audit itself waits it out.
    t.emulator.control.failNext({ route: 'analytics.jobs.create', kind: '429', count: 2, retryAfterSeconds: 40 });
    const before = clock.now();
    const done = await audit({ since: iso(start), until: iso(end) });
    expect(done.state).toBe('done');
    expect(done.summary.byStatus).toEqual({ verified: 10 });
    expect(t.emulator.control.counters().apiCalls['analytics.jobs.create']).toBe(3);
    expect(clock.now() - before).toBeGreaterThanOrEqual(80_000);
  });

  it('cancels: the audit and its Genesys job stop, and no Genesys request follows', async () => {
    const { start, end } = span();
    await generateAuditSample(t.app, t.emulator, { start, end }, { intact: 10 });
    t.emulator.control.setAnalyticsJobDelay(10 * 60_000);
    const created = await t.http
      .post('/api/verification/audits')
      .set(auth)
      .send({ since: iso(start), until: iso(end) })
      .expect(202);
    const id = created.body.id as string;
    // Let it submit its job and poll a few times.
    await drive(
      (async () => {
        for (;;) {
          const body = (await t.http.get(`/api/verification/audits/${id}`).set(auth)).body;
          if (body.progress.genesysJobState === 'PENDING') return;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })(),
    );
    const cancelled = await t.http.delete(`/api/verification/audits/${id}`).set(auth).expect(200);
    expect(cancelled.body.state).toBe('cancelled');
    expect(t.emulator.control.analyticsJobStates()).toEqual(['CANCELLED']);
    const after = t.emulator.control.counters().apiCalls;
    clock.advance(30 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.advance(30 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.emulator.control.counters().apiCalls).toEqual(after);
    expect((await t.http.get(`/api/verification/audits/${id}`).set(auth).expect(200)).body.state).toBe('cancelled');
    await t.http.delete(`/api/verification/audits/${id}`).set(auth).expect(409);
  });

  it('runs one audit per Genesys job slot and queues the rest', async () => {
    const { start, end } = span();
    await generateAuditSample(t.app, t.emulator, { start, end }, { intact: 5 });
    t.emulator.control.setAnalyticsJobDelay(10 * 60_000);
    const body = { since: iso(start), until: iso(end) };
    const first = (await t.http.post('/api/verification/audits').set(auth).send(body).expect(202)).body.id;
    const second = (await t.http.post('/api/verification/audits').set(auth).send(body).expect(202)).body.id;
    const stateOf = async (id: string) =>
      (await t.http.get(`/api/verification/audits/${id}`).set(auth).expect(200)).body.state;
    await drive(
      (async () => {
        while ((await stateOf(first)) !== 'running') await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
    );
    expect(await stateOf(second)).toBe('queued');
    t.emulator.control.setAnalyticsJobDelay(0);
    const [a, b] = await drive(Promise.all([untilEnded(first), untilEnded(second)]));
    expect([a.state, b.state]).toEqual(['done', 'done']);
    expect(Date.parse(b.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.endedAt));
  });

  it("finds a visitor's conversations with a verdict each", async () => {
    const { start, end } = span();
    await generateAuditSample(t.app, t.emulator, { start, end }, { intact: 6, unsigned: 2, legacy: 3 });
    const response = await drive(
      t.http
        .get(`/api/verification/visitors/usr_dev_1001/conversations?since=${iso(start)}`)
        .set(auth)
        .then((r) => r),
    );
    expect(response.status).toBe(200);
    expect(response.body.userId).toBe('usr_dev_1001');
    expect(response.body.conversations.map((verdict: { status: string }) => verdict.status).sort()).toEqual([
      ...Array(2).fill('unsigned'),
      ...Array(6).fill('verified'),
    ]);
    expect(response.body.more).toBe(false);
    // Whom someone searched for stays out of the logs (the metrics carry route templates only).
    expect(t.logLines().join('\n')).not.toContain('usr_dev_1001');
    expect(t.logLines().join('\n')).toContain('/api/verification/visitors/[redacted]/conversations');
  });

  it('belongs to its creator: another caller is told there is no such audit, an audits:admin caller sees it', async () => {
    const { start, end } = span();
    await generateAuditSample(t.app, t.emulator, { start, end }, { intact: 3 });
    const done = await audit({ since: iso(start), until: iso(end) });
    const path = `/api/verification/audits/${done.id}`;
    const other = {
      authorization: `Bearer ${signTestToken({ sub: 'another-service', scope: 'conversations:verify' })}`,
    };
    expect((await t.http.get(path).set(other).expect(404)).body.error).toBe('audit_not_found');
    expect((await t.http.get(`${path}/results`).set(other).expect(404)).body.error).toBe('audit_not_found');
    expect((await t.http.delete(path).set(other).expect(404)).body.error).toBe('audit_not_found');
    const search = await drive(
      t.http
        .get(`/api/verification/visitors/usr_dev_1001/conversations?since=${iso(start)}`)
        .set(auth)
        .then((r) => r),
    );
    expect(
      (await t.http.get(`/api/verification/audits/${search.body.auditId}/results`).set(other).expect(404)).body.error,
    ).toBe('audit_not_found');

    const admin = {
      authorization: `Bearer ${signTestToken({ sub: 'auditor', scope: 'conversations:verify audits:admin' })}`,
    };
    expect((await t.http.get(path).set(admin).expect(200)).body.id).toBe(done.id);
    expect((await t.http.get(`${path}/results`).set(admin).expect(200)).text.trim().split('\n')).toHaveLength(3);
  });

  it('refuses malformed periods and ids with the standard error body, before anything is queued', async () => {
    const post = (body: unknown) =>
      t.http
        .post('/api/verification/audits')
        .set(auth)
        .send(body as object);
    expect((await post({ since: '2026-11-01T00:00:00' }).expect(400)).body.error).toBe('validation_failed');
    expect((await post({ since: '2026-11-02T00:00:00Z', until: '2026-11-01T00:00:00Z' }).expect(400)).body.error).toBe(
      'invalid_period',
    );
    expect((await post({ since: '2025-01-01T00:00:00Z' }).expect(400)).body.error).toBe('invalid_period');
    expect((await post({ since: 'x'.repeat(5000) }).expect(400)).body.error).toBe('validation_failed');
    expect((await t.http.get('/api/verification/audits/not-a-uuid').set(auth).expect(400)).body.error).toBe(
      'validation_failed',
    );
    expect(
      (await t.http.get('/api/verification/audits/0f5c2a8e-1d3b-4c6a-9e7f-2b4d6c8a0e1f').set(auth).expect(404)).body
        .error,
    ).toBe('audit_not_found');
    await t.http.get('/api/verification/audits/0f5c2a8e-1d3b-4c6a-9e7f-2b4d6c8a0e1f').expect(401);
  });
});

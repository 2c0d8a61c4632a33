import { ManualClock } from './support/manual-clock';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, visitorToken } from './support/test-tokens';

const UNKNOWN = '11111111-2222-4333-8444-555555555555';
const verifier = () => ({ Authorization: `Bearer ${serviceToken(['conversations:verify'])}` });

describe('verification: config issued → attributes sent through Messenger → conversation verified', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function issue(claims: Record<string, unknown> = {}, app = t): Promise<Record<string, string>> {
    const response = await app.http
      .get('/api/web-messaging/config')
      .set(
        'Authorization',
        `Bearer ${visitorToken({ sub: 'usr_1001', tier: 'Gold', email: 'jane@example.com', ...claims })}`,
      )
      .expect(200);
    return response.body.guestAttributes;
  }

  const send = (customAttributes: Record<string, string>, app = t) => app.emulator.sendFirstMessage(customAttributes);

  const verify = (conversationId: string) =>
    t.http.get(`/api/verification/conversations/${conversationId}`).set(verifier());

  it('reports verified when the attributes arrive as issued', async () => {
    const conversationId = await send(await issue());
    const response = await verify(conversationId).expect(200);
    expect(response.body).toMatchObject({
      conversationId,
      status: 'verified',
      userId: 'usr_1001',
      participantId: expect.any(String),
    });
    const rows = Object.fromEntries(response.body.attributes.map((row: { name: string }) => [row.name, row]));
    expect(rows.userTier).toEqual({
      name: 'userTier',
      status: 'match',
      arrived: 'Gold',
      issued: 'Gold',
      required: true,
      trusted: true,
    });
    expect(rows.email).toEqual({
      name: 'email',
      status: 'match',
      arrived: '[redacted]',
      issued: '[redacted]',
      required: false,
      trusted: true,
    });
    expect(rows.lastOrderDate).toEqual({ name: 'lastOrderDate', status: 'missing', required: false, trusted: false });
  });

  it('reports tampered, with the edited, added and removed attributes named', async () => {
    const issued = await issue();
    const { email: _removed, ...rest } = issued; // removed after issue
    const conversationId = await send({
      ...rest,
      userTier: 'Platinum',
      lastOrderDate: '2026-01-01T00:00:00.000Z',
      vip: 'true',
    });
    const response = await verify(conversationId).expect(200);
    expect(response.body).toMatchObject({ status: 'tampered', signatureProblem: 'mismatch' });
    const rows = Object.fromEntries(response.body.attributes.map((row: { name: string }) => [row.name, row]));
    expect(rows.userTier).toMatchObject({ status: 'mismatch', arrived: 'Platinum', issued: 'Gold' });
    expect(rows.lastOrderDate).toMatchObject({ status: 'unexpected', arrived: '2026-01-01T00:00:00.000Z' });
    expect(rows.vip).toEqual({ name: 'vip', status: 'other', required: false, trusted: false });
    expect(rows.email).toMatchObject({ status: 'missing', issued: '[redacted]' });
    expect(rows.userId).toMatchObject({ status: 'match' });
  });

  it('reports a lowercased key as case_mismatch with the registered name', async () => {
    const { userTier, ...rest } = await issue();
    const conversationId = await send({ ...rest, usertier: userTier });
    const response = await verify(conversationId).expect(200);
    expect(response.body.status).toBe('tampered');
    const row = response.body.attributes.find((candidate: { name: string }) => candidate.name === 'userTier');
    expect(row).toEqual({
      name: 'userTier',
      status: 'case_mismatch',
      arrivedAs: 'usertier',
      arrived: 'Gold',
      issued: 'Gold',
      required: true,
      trusted: false,
    });
  });

  it('reports unsigned attributes, and compares with expected values given in the body', async () => {
    const conversationId = await send({ userId: 'usr_1001', userTier: 'Gold' });
    expect((await verify(conversationId).expect(200)).body.status).toBe('unsigned');
    const response = await t.http
      .post(`/api/verification/conversations/${conversationId}`)
      .set(verifier())
      .send({ expected: { userId: 'usr_1001', userTier: 'Silver' } })
      .expect(200);
    const row = response.body.attributes.find((candidate: { name: string }) => candidate.name === 'userTier');
    expect(row).toEqual({
      name: 'userTier',
      status: 'mismatch',
      arrived: 'Gold',
      expected: 'Silver',
      required: true,
      trusted: false,
    });
    expect(response.body.status).toBe('unsigned');
  });

  it('checks a signature for an Architect data action', async () => {
    const issued = await issue();
    const valid = await t.http
      .post('/api/verification/signature')
      .set(verifier())
      .send({ attributes: issued })
      .expect(200);
    expect(valid.body).toEqual({
      valid: true,
      reason: 'valid',
      userId: 'usr_1001',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      queueId: 'queue-support-gold',
      trustedAttributes: 'userId,userTier,email',
      trustPolicy: 'enforce',
    });
    const forged = await t.http
      .post('/api/verification/signature')
      .set(verifier())
      .send({ attributes: { ...issued, userTier: 'Platinum' } })
      .expect(200);
    // Every registry attribute is `signed`: nothing of a failed set is trusted, so routing falls back to the default
    // queue.
    expect(forged.body).toEqual({
      valid: false,
      reason: 'mismatch',
      queueId: 'queue-support',
      trustedAttributes: '',
      trustPolicy: 'enforce',
    });
    const unsigned = await t.http
      .post('/api/verification/signature')
      .set(verifier())
      .send({ attributes: { userTier: 'Gold' } })
      .expect(200);
    expect(unsigned.body).toEqual({
      valid: false,
      reason: 'missing_signature',
      queueId: 'queue-support',
      trustedAttributes: '',
      trustPolicy: 'enforce',
    });
  });

  it('refuses a malformed id with 400 before any upstream call, and maps an unknown one to 404', async () => {
    t.emulator.control.resetCounters();
    const malformed = await t.http
      .get('/api/verification/conversations/..%2F..%2Foauth%2Ftoken')
      .set(verifier())
      .expect(400);
    expect(malformed.body).toMatchObject({
      error: 'validation_failed',
      details: [{ field: 'conversationId', code: 'isUuid' }],
    });
    expect(t.emulator.control.counters().apiCalls['conversations.get']).toBe(0);
    const missing = await verify(UNKNOWN).expect(404);
    expect(missing.body.error).toBe('conversation_not_found');
  });

  it('stays verified through one forced 401, and answers 502 after two', async () => {
    const conversationId = await send(await issue());
    t.emulator.control.failNext({ route: 'conversations.get', kind: '401', count: 1 });
    expect((await verify(conversationId).expect(200)).body.status).toBe('verified');
    t.emulator.control.failNext({ route: 'conversations.get', kind: '401', count: 2 });
    expect((await verify(conversationId).expect(502)).body.error).toBe('upstream_auth_failed');
  });

  it('is verified a second after a 429 with Retry-After 1', async () => {
    const clock = new ManualClock(Date.now());
    const paced = await startTestApp({ clock });
    try {
      const conversationId = await send(await issue({}, paced), paced);
      paced.emulator.control.failNext({ route: 'conversations.get', kind: '429', count: 1, retryAfterSeconds: 1 });
      const started = clock.now();
      const response = await clock.drive(
        paced.http.get(`/api/verification/conversations/${conversationId}`).set(verifier()).then(),
        () => paced.upstreamInFlight() > 0,
      );
      expect(response.body.status).toBe('verified');
      expect(clock.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      await paced.close();
    }
  });

  it('maps 403 to 502 upstream_forbidden naming the permission', async () => {
    t.emulator.control.failNext({ route: 'conversations.get', kind: '403', count: 1 });
    const response = await verify(UNKNOWN).expect(502);
    expect(response.body).toMatchObject({
      error: 'upstream_forbidden',
      details: [{ message: 'conversation:communication:view' }],
    });
  });

  it('requires the conversations:verify scope', async () => {
    const response = await t.http
      .get(`/api/verification/conversations/${UNKNOWN}`)
      .set('Authorization', `Bearer ${visitorToken()}`)
      .expect(403);
    expect(response.body.error).toBe('insufficient_scope');
  });
});

describe("batch verification under the emulator's rate limit", () => {
  it('produces every report of 100 conversations with 50 requests per 10 s allowed, without provoking 429s', async () => {
    // The service and the emulator keep the test's time: the two 10 s windows pass without waiting for them.
    const clock = new ManualClock(Date.now());
    const t = await startTestApp({
      env: { GENESYS_RATE_LIMIT_REQUESTS: '50', GENESYS_RATE_LIMIT_WINDOW_SECONDS: '10' },
      clock,
    });
    try {
      t.emulator.control.setRateLimit({ limit: 50, windowSeconds: 10 });
      const ids: string[] = [];
      for (let i = 0; i < 100; i += 1)
        ids.push(await t.emulator.sendFirstMessage({ userId: `usr_${i}`, userTier: 'Gold' }));
      t.emulator.control.resetCounters();
      const started = clock.now();
      const response = await clock.drive(
        t.http.post('/api/verification/conversations:batch').set(verifier()).send({ conversationIds: ids }).then(),
        () => t.upstreamInFlight() > 0,
      );
      expect(response.status).toBe(200);
      expect(response.body.results).toHaveLength(100);
      expect(response.body.results.filter((result: { report?: unknown }) => !result.report)).toEqual([]);
      expect(response.body.results.map((result: { conversationId: string }) => result.conversationId)).toEqual(ids);
      expect(t.emulator.control.counters().rateLimited).toBe(0);
      // Two full windows, and never more than 50 in one.
      expect(clock.now() - started).toBeGreaterThanOrEqual(10_000);
    } finally {
      await t.close();
    }
  });

  it('refuses more than 100 ids', async () => {
    const t = await startTestApp();
    try {
      const ids = Array.from({ length: 101 }, () => UNKNOWN);
      const response = await t.http
        .post('/api/verification/conversations:batch')
        .set(verifier())
        .send({ conversationIds: ids })
        .expect(400);
      expect(response.body.details[0]).toMatchObject({ field: 'conversationIds', code: 'arrayMaxSize' });
    } finally {
      await t.close();
    }
  });
});

import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, visitorToken } from './support/test-tokens';

const verifier = { Authorization: `Bearer ${serviceToken(['conversations:verify'])}` };

describe.each([
  ['enforce', { queueId: 'queue-support', trustPolicy: 'enforce' }],
  ['report', { queueId: 'queue-support-gold', trustPolicy: 'report', enforcedQueueId: 'queue-support' }],
])('the trust policy, TRUST_POLICY_MODE=%s', (mode, unsignedGold) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_POLICY_MODE: mode } });
  });
  afterAll(() => t.close());

  it('routes a signed Gold set to the gold queue', async () => {
    const issued = (
      await t.http.get('/api/web-messaging/config').set('Authorization', `Bearer ${visitorToken()}`).expect(200)
    ).body.guestAttributes;
    const check = await t.http
      .post('/api/verification/signature')
      .set(verifier)
      .send({ attributes: issued })
      .expect(200);
    expect(check.body).toMatchObject({
      valid: true,
      queueId: 'queue-support-gold',
      trustedAttributes: 'userId,userTier',
      trustPolicy: mode,
    });
  });

  it(
    mode === 'enforce'
      ? 'does not route on an unsigned userTier'
      : 'routes on an unsigned userTier, and says what enforcing would do',
    async () => {
      const check = await t.http
        .post('/api/verification/signature')
        .set(verifier)
        .send({ attributes: { userId: 'usr_1001', userTier: 'Gold' } })
        .expect(200);
      expect(check.body).toEqual({ valid: false, reason: 'missing_signature', trustedAttributes: '', ...unsignedGold });
    },
  );

  it('marks every row of an unsigned conversation untrusted in its verification report', async () => {
    const conversationId = await t.emulator.sendFirstMessage({ userId: 'usr_1001', userTier: 'Gold' });
    const report = await t.http.get(`/api/verification/conversations/${conversationId}`).set(verifier).expect(200);
    expect(report.body.status).toBe('unsigned');
    expect(report.body.attributes.filter((row: { trusted: boolean }) => row.trusted)).toEqual([]);
  });
});

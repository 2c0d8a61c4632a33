import { ApiError } from '../errors/api-error';
import type { GenesysClient } from '../genesys/genesys.client';
import { ManualClock } from '../../test/support/manual-clock';
import { conversationWith as conversationOf, verificationKit } from '../../test/support/verification-kit';

const CONVERSATION = '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f';
const conversationWith = (attributes: Record<string, string>, startTime: string) =>
  conversationOf(CONVERSATION, attributes, startTime);

/** The service over a clock made first, so that Genesys's answers can read it. */
function setUp(genesys: (clock: ManualClock) => Partial<GenesysClient> = () => ({})) {
  const clock = new ManualClock();
  const kit = verificationKit(genesys(clock), clock);
  return { ...kit, counted: kit.samples };
}

describe('VerificationService', () => {
  it('reports an intact conversation verified, checked at the time its clock reads', async () => {
    let arrived: Record<string, string> = {};
    const { clock, service, issue } = setUp((time) => ({
      getConversation: async () => conversationWith(arrived, new Date(time.now() + 60_000).toISOString()),
    }));
    arrived = issue();
    const report = await service.verifyConversation(CONVERSATION);
    expect(report).toMatchObject({
      status: 'verified',
      userId: 'usr_1001',
      participantId: 'p-customer',
      checkedAt: new Date(clock.now()).toISOString(),
    });
    expect(report.attributes.filter((row) => row.status === 'match').map((row) => row.name)).toEqual([
      'userId',
      'userTier',
    ]);
  });

  it('reports a registry attribute changed after issue as tampered, with its row a mismatch', async () => {
    let arrived: Record<string, string> = {};
    const { service, issue } = setUp((time) => ({
      getConversation: async () => conversationWith(arrived, new Date(time.now()).toISOString()),
    }));
    arrived = { ...issue(), userTier: 'Platinum' };
    const report = await service.verifyConversation(CONVERSATION);
    expect(report.status).toBe('tampered');
    expect(report.attributes.find((row) => row.name === 'userTier')).toMatchObject({ status: 'mismatch' });
    expect(report.userId).toBeUndefined();
  });

  it('judges a set against the conversation start, not the time of the check: used after its lifetime it is expired', async () => {
    let arrived: Record<string, string> = {};
    const { service, issue } = setUp((time) => ({
      getConversation: async () => conversationWith(arrived, new Date(time.now() + 3600_000 + 61_000).toISOString()),
    }));
    arrived = issue();
    expect((await service.verifyConversation(CONVERSATION)).status).toBe('expired');
  });

  it('answers 404 conversation_not_found and message_not_found for what Genesys does not know', async () => {
    const { service } = setUp(() => ({ getConversation: async () => null, getMessageDetails: async () => null }));
    await expect(service.verifyConversation(CONVERSATION)).rejects.toMatchObject({ code: 'conversation_not_found' });
    await expect(service.verifyMessage(CONVERSATION)).rejects.toMatchObject({ code: 'message_not_found' });
  });

  it('checks a signature for routing against now: valid while in force, expired a lifetime (and the skew) later', () => {
    const { clock, service, issue } = setUp();
    const attributes = issue();
    expect(service.checkSignature(attributes)).toMatchObject({
      valid: true,
      reason: 'valid',
      userId: 'usr_1001',
      trustedAttributes: 'userId,userTier',
    });
    clock.advance(3600_000 + 61_000);
    expect(service.checkSignature(attributes)).toMatchObject({
      valid: false,
      reason: 'expired',
      trustedAttributes: '',
    });
  });

  it('verifies a batch entry by entry: a failure of one id is its entry, whatever the failure', async () => {
    const failing = '11111111-1111-4111-8111-111111111111';
    const broken = '22222222-2222-4222-8222-222222222222';
    let arrived: Record<string, string> = {};
    const { service, issue } = setUp((time) => ({
      getConversation: async (id: string) => {
        if (id === failing)
          throw new ApiError(
            429,
            'upstream_rate_limited',
            'Genesys Cloud is rate limiting this service; retry after 120 s.',
          );
        if (id === broken) throw new TypeError('a bug of ours');
        return conversationWith(arrived, new Date(time.now()).toISOString());
      },
    }));
    arrived = issue();
    const results = await service.verifyBatch([CONVERSATION, failing, broken]);
    expect(results.map((entry) => entry.report?.status ?? entry.error?.error)).toEqual([
      'verified',
      'upstream_rate_limited',
      'internal_error',
    ]);
    expect(results[2].error).toEqual({
      statusCode: 500,
      error: 'internal_error',
      message: 'This conversation could not be verified.',
    });
  });

  it('counts verdicts by status and findings by registry name only: a visitor-chosen name counts as other', async () => {
    let arrived: Record<string, string> = {};
    const { service, issue, counted } = setUp((time) => ({
      getConversation: async () => conversationWith(arrived, new Date(time.now()).toISOString()),
    }));
    arrived = { ...issue(), userTier: 'Platinum', 'made-up-name': 'x' };
    await service.verifyConversation(CONVERSATION, { 'made-up-name': 'y' });
    expect(await counted('wm_verifications_total')).toContainEqual(expect.stringContaining('status="tampered"} 1'));
    const findings = await counted('wm_verification_attribute_findings_total');
    expect(findings).toContainEqual(expect.stringContaining('attribute="userTier",status="mismatch"} 1'));
    expect(findings).toContainEqual(expect.stringContaining('attribute="other",status="mismatch"} 1'));
    expect(findings.join('\n')).not.toContain('made-up-name');
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJson, startTestEmulator, type TestEmulator } from 'genesys-emulator';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, visitorToken } from './support/test-tokens';

const verifier = () => ({ Authorization: `Bearer ${serviceToken(['conversations:verify'])}` });
const issuer = () => ({ Authorization: `Bearer ${serviceToken(['attributes:issue'])}` });
const byName = (rows: { name: string; status: string }[]) => Object.fromEntries(rows.map((row) => [row.name, row]));

/** What the inbound flow writes (Set Participant Data) on every new conversation, as a real one does. */
const FLOW_AT_START = { 'Flow.Language': 'en-GB', 'conversationDetails.participantData.Account Balance': '1204.50' };
/** What an agent script writes later through the Platform API. */
const SCRIPT_WRITES = { screenPopUrl: 'https://crm.example.com/customers/usr_1001' };
const WRITTEN_BY_OTHERS = [...Object.keys(FLOW_AT_START), ...Object.keys(SCRIPT_WRITES)];

/**
 * Issue 29: Messenger is not the only writer of the customer participant's attributes. A set that
 * arrived intact beside what a flow and a script wrote is verified everywhere a verdict is reached;
 * a registry attribute changed or added by the same route is still tampered, its row named.
 */
describe('verdicts beside participant data that flows and scripts write', () => {
  let emulator: TestEmulator;
  let t: TestApp;
  let genesysToken: string;

  beforeAll(async () => {
    emulator = await startTestEmulator({
      inboundFlow: { onStart: FLOW_AT_START, inQueue: {} },
      analyticsJobDelayMs: 0,
    });
    t = await startTestApp({ emulator, env: { AUDIT_POLL_INTERVAL_MS: '200' } });
    genesysToken = await emulator.fetchToken();
  });
  afterAll(async () => {
    await t.close();
    await emulator.close();
  });

  async function issue(): Promise<Record<string, string>> {
    const response = await t.http
      .get('/api/web-messaging/config')
      .set('Authorization', `Bearer ${visitorToken({ sub: 'usr_1001', tier: 'Gold' })}`)
      .expect(200);
    return response.body.guestAttributes;
  }

  /** The visitor's first message (the flow writes its data then), and a script's PATCH of the customer participant. */
  async function conversationWith(
    customAttributes: Record<string, string>,
    patch: Record<string, string> = SCRIPT_WRITES,
  ) {
    const sent = await readJson(
      await emulator.post('/emulator/webmessaging/messages', {
        deploymentId: emulator.deploymentId,
        message: { type: 'Text', text: 'Hi', channel: { metadata: { customAttributes } } },
      }),
    );
    const response = await fetch(
      `${emulator.url}/api/v2/conversations/messages/${sent.conversationId}/participants/${sent.participantId}/attributes`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${genesysToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ attributes: patch }),
      },
    );
    expect(response.status).toBe(200);
    return {
      conversationId: sent.conversationId as string,
      messageId: sent.messageId as string,
      participant: (await readJson(response)).attributes as Record<string, string>,
    };
  }

  it('verifies an intact set by GET, by message id and in a batch, the others reported as not covered by the signature', async () => {
    const { conversationId, messageId, participant } = await conversationWith(await issue());
    expect(Object.keys(participant)).toEqual(expect.arrayContaining(WRITTEN_BY_OTHERS));

    const report = (await t.http.get(`/api/verification/conversations/${conversationId}`).set(verifier()).expect(200))
      .body;
    expect(report).toMatchObject({ status: 'verified', userId: 'usr_1001' });
    expect(report.signatureProblem).toBeUndefined();
    const rows = byName(report.attributes);
    expect(rows.userTier).toMatchObject({ status: 'match', trusted: true });
    for (const name of WRITTEN_BY_OTHERS)
      expect(rows[name]).toEqual({ name, status: 'other', required: false, trusted: false });

    expect((await t.http.get(`/api/verification/messages/${messageId}`).set(verifier()).expect(200)).body.status).toBe(
      'verified',
    );
    const batch = await t.http
      .post('/api/verification/conversations:batch')
      .set(verifier())
      .send({ conversationIds: [conversationId] })
      .expect(200);
    expect(batch.body.results[0].report.status).toBe('verified');
  });

  it('says valid at routing time when the data action hands over what the flow can read, the others never trusted', async () => {
    const attributes = { ...(await issue()), ...FLOW_AT_START, ...SCRIPT_WRITES };
    const response = await t.http.post('/api/verification/signature').set(verifier()).send({ attributes }).expect(200);
    expect(response.body).toMatchObject({
      valid: true,
      reason: 'valid',
      userId: 'usr_1001',
      trustedAttributes: 'userId,userTier',
      queueId: 'queue-support-gold',
    });
  });

  it('still reports a registry attribute changed or added through the same route as tampered, with its row named', async () => {
    const changed = await conversationWith(await issue(), { ...SCRIPT_WRITES, userTier: 'Platinum' });
    const changedReport = (
      await t.http.get(`/api/verification/conversations/${changed.conversationId}`).set(verifier()).expect(200)
    ).body;
    expect(changedReport).toMatchObject({ status: 'tampered', signatureProblem: 'mismatch' });
    expect(byName(changedReport.attributes).userTier).toMatchObject({
      status: 'mismatch',
      arrived: 'Platinum',
      issued: 'Gold',
      trusted: false,
    });

    const added = await conversationWith(await issue(), {
      ...SCRIPT_WRITES,
      lastOrderDate: '2026-01-01T00:00:00.000Z',
    });
    const addedReport = (
      await t.http.get(`/api/verification/conversations/${added.conversationId}`).set(verifier()).expect(200)
    ).body;
    expect(addedReport).toMatchObject({ status: 'tampered', signatureProblem: 'mismatch' });
    expect(byName(addedReport.attributes).lastOrderDate).toMatchObject({
      status: 'unexpected',
      arrived: '2026-01-01T00:00:00.000Z',
    });

    const routing = await t.http
      .post('/api/verification/signature')
      .set(verifier())
      .send({ attributes: { ...(await issue()), ...FLOW_AT_START, userTier: 'Platinum' } })
      .expect(200);
    expect(routing.body).toMatchObject({ valid: false, reason: 'mismatch', trustedAttributes: '' });
  });

  it('counts them verified in an audit, from the job results', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const intact = await conversationWith(await issue());
    const tampered = await conversationWith(await issue(), { ...SCRIPT_WRITES, userTier: 'Silver' });
    const created = await t.http
      .post('/api/verification/audits')
      .set(verifier())
      .send({ since, until: new Date(Date.now() + 1000).toISOString() })
      .expect(202);
    let audit = created.body;
    while (audit.state === 'queued' || audit.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      audit = (await t.http.get(`/api/verification/audits/${created.body.id}`).set(verifier()).expect(200)).body;
    }
    const lines = (
      await t.http.get(`/api/verification/audits/${created.body.id}/results`).set(verifier()).expect(200)
    ).text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const verdictOf = (conversationId: string) => lines.find((line) => line.conversationId === conversationId);
    expect(verdictOf(intact.conversationId)).toMatchObject({
      status: 'verified',
      findings: [],
      settledBy: 'job_results',
    });
    expect(verdictOf(tampered.conversationId)).toMatchObject({
      status: 'tampered',
      findings: [{ name: 'userTier', status: 'mismatch' }],
    });
    expect(audit.summary.attributes).not.toHaveProperty('other');
  });
});

describe('an attribute leaving the registry', () => {
  const KEYS = 'k1:a-signing-secret-shared-by-both-releases-0001';
  const shipped = readFileSync(join(__dirname, 'fixtures', 'attributes-with-long-note.yaml'), 'utf8');
  /** The next release's registry: `note` gone from the attributes, and retired or not. */
  function withoutNote(retired: boolean): string {
    const directory = mkdtempSync(join(tmpdir(), 'registry-'));
    const file = join(directory, 'attributes.yaml');
    const [attributes, routing] = shipped.split('routing:');
    const kept = attributes.split('  - name: note')[0];
    writeFileSync(file, `${kept}routing:${routing}${retired ? 'retired: [note]\n' : ''}`);
    return file;
  }

  it('keeps a set issued before the change verified when the name is retired, and says tampered when it was simply dropped', async () => {
    const emulator = await startTestEmulator();
    try {
      const before = await startTestApp({
        emulator,
        env: {
          ATTRIBUTE_SIGNING_KEYS: KEYS,
          ATTRIBUTES_FILE: join(__dirname, 'fixtures', 'attributes-with-long-note.yaml'),
        },
      });
      const issued = await before.http
        .post('/api/web-messaging/config')
        .set(issuer())
        .send({ userId: 'usr_1001', attributes: { userTier: 'Gold', note: 'prefers email' } })
        .expect(200);
      await before.close();
      const conversationId = await emulator.sendFirstMessage(issued.body.guestAttributes);

      const retiredApp = await startTestApp({
        emulator,
        env: { ATTRIBUTE_SIGNING_KEYS: KEYS, ATTRIBUTES_FILE: withoutNote(true) },
      });
      const report = (
        await retiredApp.http.get(`/api/verification/conversations/${conversationId}`).set(verifier()).expect(200)
      ).body;
      await retiredApp.close();
      expect(report.status).toBe('verified');
      expect(byName(report.attributes).note).toMatchObject({
        status: 'match',
        arrived: 'prefers email',
        trusted: false,
      });

      // Dropped without retiring: the signature no longer covers `note`, so the MAC over the rest fails.
      const droppedApp = await startTestApp({
        emulator,
        env: { ATTRIBUTE_SIGNING_KEYS: KEYS, ATTRIBUTES_FILE: withoutNote(false) },
      });
      const dropped = (
        await droppedApp.http.get(`/api/verification/conversations/${conversationId}`).set(verifier()).expect(200)
      ).body;
      await droppedApp.close();
      expect(dropped).toMatchObject({ status: 'tampered', signatureProblem: 'mismatch' });
    } finally {
      await emulator.close();
    }
  });
});

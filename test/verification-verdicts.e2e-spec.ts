import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestEmulator, type TestEmulator } from 'genesys-emulator';
import { expectPlatformModel } from '../packages/genesys-emulator/test/platform-models';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, visitorToken } from './support/test-tokens';

const verifier = () => ({ Authorization: `Bearer ${serviceToken(['conversations:verify'])}` });
const byName = (rows: { name: string }[]) => Object.fromEntries(rows.map((row) => [row.name, row]));
/** What a visitor can type into Messenger as the signature: valid base64url, a time no Date can hold. */
const hostileSignature = (kid: string) =>
  `v1.${kid}.${Buffer.from(JSON.stringify({ u: 'x', t: 1e300, n: 'x' })).toString('base64url')}.AAAA`;
/** With a key id the service does not have, and with the one it signs with (tests run with a key `dev`). */
const HOSTILE_SIGNATURES = [hostileSignature('k2'), hostileSignature('dev')];
const HOSTILE_SIGNATURE = HOSTILE_SIGNATURES[0];

/** A clock the emulator reads conversation start times from, moved by the test instead of waiting. */
function movableClock() {
  let offsetMs = 0;
  return { clock: { now: () => Date.now() + offsetMs }, moveTo: (ms: number) => (offsetMs = ms) };
}

describe('verdicts a visitor cannot bend', () => {
  let t: TestApp;
  let emulator: TestEmulator;
  const time = movableClock();

  beforeAll(async () => {
    emulator = await startTestEmulator({ clock: time.clock });
    t = await startTestApp({ emulator, env: { ATTRIBUTE_SIGNATURE_TTL_SECONDS: '60' } });
  });
  afterAll(async () => {
    await t.close();
    await emulator.close();
  });
  afterEach(() => time.moveTo(0));

  async function issue(): Promise<Record<string, string>> {
    const response = await t.http
      .get('/api/web-messaging/config')
      .set('Authorization', `Bearer ${visitorToken({ sub: 'usr_1001', tier: 'Gold' })}`)
      .expect(200);
    return response.body.guestAttributes;
  }

  const send = (customAttributes: Record<string, string>) => emulator.sendFirstMessage(customAttributes);

  const verify = (conversationId: string, expected?: Record<string, unknown>) =>
    expected === undefined
      ? t.http.get(`/api/verification/conversations/${conversationId}`).set(verifier())
      : t.http.post(`/api/verification/conversations/${conversationId}`).set(verifier()).send({ expected });

  it.each(HOSTILE_SIGNATURES)(
    'reports the hostile signature %s as tampered, with no user id, alone and inside a batch whose other items succeed',
    async (signature) => {
      const hostile = await send({ userId: 'usr_1001', userTier: 'Gold', attributesSignature: signature });
      const intact = await send(await issue());
      const single = await verify(hostile).expect(200);
      expect(single.body).toMatchObject({ status: 'tampered', signatureProblem: 'malformed' });
      expect(single.body.userId).toBeUndefined();
      expect(single.body.issuedAt).toBeUndefined();

      const batch = await t.http
        .post('/api/verification/conversations:batch')
        .set(verifier())
        .send({ conversationIds: [hostile, intact] })
        .expect(200);
      expect(batch.body.results.map((result: { report: { status: string } }) => result.report.status)).toEqual([
        'tampered',
        'verified',
      ]);
    },
  );

  it('compares only the expected names: a signed conversation with a different tier is not_as_expected, the rest still match', async () => {
    const conversationId = await send(await issue());
    const response = await verify(conversationId, { userTier: 'Silver' }).expect(200);
    expect(response.body.status).toBe('not_as_expected');
    const rows = byName(response.body.attributes);
    expect(rows.userTier).toMatchObject({ status: 'mismatch', arrived: 'Gold', expected: 'Silver' });
    expect(rows.userId).toMatchObject({ status: 'match' });
  });

  it('reports an expected name that never arrived, Object.prototype names included, as missing', async () => {
    const conversationId = await send(await issue());
    const response = await verify(conversationId, { vip: 'true', toString: 'x', constructor: 'y' }).expect(200);
    expect(response.body.status).toBe('not_as_expected');
    const rows = byName(response.body.attributes);
    for (const name of ['vip', 'toString', 'constructor']) expect(rows[name]).toMatchObject({ status: 'missing' });
  });

  it('answers 422 naming each expected value that is not a string, before asking Genesys', async () => {
    const conversationId = await send(await issue());
    emulator.control.resetCounters();
    const response = await verify(conversationId, { userTier: 3, vip: null }).expect(422);
    expect(response.body).toMatchObject({ error: 'attributes_invalid' });
    expect(response.body.details.map((detail: { field: string }) => detail.field)).toEqual([
      'expected.userTier',
      'expected.vip',
    ]);
    expect(emulator.control.counters().apiCalls['conversations.get']).toBe(0);
  });

  it('reports a set used after its lifetime as expired (ATTRIBUTE_SIGNATURE_TTL_SECONDS=60, conversation 75 s and 1 month later)', async () => {
    const attributes = await issue();
    for (const laterMs of [75_000 + 60_000, 30 * 86_400_000]) {
      time.moveTo(laterMs);
      const response = await verify(await send(attributes)).expect(200);
      expect(response.body).toMatchObject({ status: 'expired', userId: 'usr_1001' });
    }
  });

  it('reports a set issued after the conversation started as issued_after_start', async () => {
    time.moveTo(-10 * 60_000);
    const conversationId = await send(await issue());
    time.moveTo(0);
    expect((await verify(conversationId).expect(200)).body.status).toBe('issued_after_start');
  });

  it.each([
    ['a number', 12],
    ['an array', ['v2']],
    ['an object', { token: 'v2' }],
    ['null', null],
    ['a boolean', true],
  ])('answers 422 naming the field when the signature for Architect is %s', async (_label, value) => {
    const response = await t.http
      .post('/api/verification/signature')
      .set(verifier())
      .send({ attributes: { userId: 'usr_1001', attributesSignature: value } })
      .expect(422);
    expect(response.body).toMatchObject({
      statusCode: 422,
      error: 'attributes_invalid',
      details: [{ field: 'attributes.attributesSignature', code: 'not_a_string' }],
      requestId: expect.any(String),
    });
  });

  it('tells Architect that a signature past its lifetime, or a hostile one, does not hold', async () => {
    const attributes = await issue();
    const hostile = await t.http
      .post('/api/verification/signature')
      .set(verifier())
      .send({ attributes: { ...attributes, attributesSignature: HOSTILE_SIGNATURE } })
      .expect(200);
    expect(hostile.body).toMatchObject({ valid: false, reason: 'malformed', trustedAttributes: '' });
    const forged = await t.http
      .post('/api/verification/signature')
      .set(verifier())
      .send({ attributes: { ...attributes, userId: 'usr_9999' } })
      .expect(200);
    expect(forged.body).toMatchObject({ valid: false, reason: 'mismatch', trustedAttributes: '' });
  });

  it.each(['constructor', 'toString', 'prototype'])(
    'leaves an added attribute named %s outside the signature and routing, as any name outside the registry',
    async (name) => {
      const attributes = await issue();
      const response = await t.http
        .post('/api/verification/signature')
        .set(verifier())
        .send({ attributes: { ...attributes, [name]: 'x' } })
        .expect(200);
      expect(response.body).toMatchObject({
        valid: true,
        reason: 'valid',
        trustedAttributes: 'userId,userTier',
        queueId: 'queue-support-gold',
      });
    },
  );

  it('does not let a registry attribute that was not issued slip past the signature check', async () => {
    const attributes = await issue();
    const response = await t.http
      .post('/api/verification/signature')
      .set(verifier())
      .send({ attributes: { ...attributes, lastOrderDate: '2026-01-01T00:00:00.000Z' } })
      .expect(200);
    expect(response.body).toMatchObject({
      valid: false,
      reason: 'mismatch',
      trustedAttributes: '',
      queueId: 'queue-support',
    });
  });

  it('treats a POST without a body, or with an empty one, as the GET', async () => {
    const conversationId = await send(await issue());
    expect(
      (await t.http.post(`/api/verification/conversations/${conversationId}`).set(verifier()).expect(200)).body.status,
    ).toBe('verified');
    expect(
      (await t.http.post(`/api/verification/conversations/${conversationId}`).set(verifier()).send({}).expect(200)).body
        .status,
    ).toBe('verified');
    const notAMap = await t.http
      .post(`/api/verification/conversations/${conversationId}`)
      .set(verifier())
      .send({ expected: ['Gold'] })
      .expect(400);
    expect(notAMap.body).toMatchObject({
      error: 'validation_failed',
      details: [{ field: 'expected', code: 'isObject' }],
    });
  });

  it('answers 400 body_too_deep, not 500, for a small body nested thousands of levels deep', async () => {
    // ~10 KB: deep enough to overflow class-transformer's recursion, which used to answer 500.
    const body = `{"conversationIds":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const response = await t.http
      .post('/api/verification/conversations:batch')
      .set(verifier())
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'body_too_deep', requestId: expect.any(String) });
  });

  it('answers 400 in the standard body for a body that is not { attributes: {...} }', async () => {
    const notAnObject = await t.http
      .post('/api/verification/signature')
      .set(verifier())
      .send({ attributes: 'v2' })
      .expect(400);
    expect(notAnObject.body).toMatchObject({
      error: 'validation_failed',
      details: [{ field: 'attributes', code: 'isObject' }],
    });
    const extra = await t.http
      .post('/api/verification/signature')
      .set(verifier())
      .send({ attributes: {}, more: 1 })
      .expect(400);
    expect(extra.body).toMatchObject({
      error: 'validation_failed',
      details: [{ field: 'more', code: 'whitelistValidation' }],
    });
  });
});

describe('Genesys answers that are not conversations', () => {
  let t: TestApp;
  let stub: Server;
  let body: { contentType: string; text: string };

  beforeAll(async () => {
    // The API host answers what the test says; the emulator still issues the tokens.
    stub = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': body.contentType }).end(body.text),
    );
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    t = await startTestApp({ env: { GENESYS_API_URL: `http://127.0.0.1:${(stub.address() as AddressInfo).port}` } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => stub.close(resolve));
  });

  const conversation = (participants: unknown) =>
    JSON.stringify({ id: 'c', startTime: '2026-11-24T09:00:00.000Z', participants });

  it.each([
    [
      'no participants',
      { contentType: 'application/json', text: JSON.stringify({ id: 'c', startTime: '2026-11-24T09:00:00.000Z' }) },
    ],
    ['a null participant', { contentType: 'application/json', text: conversation([null]) }],
    ['a text/plain body', { contentType: 'text/plain', text: 'upstream says hello' }],
    ['a JSON array', { contentType: 'application/json', text: '[]' }],
    ['no start time', { contentType: 'application/json', text: JSON.stringify({ id: 'c', participants: [] }) }],
    [
      'a non-string attribute',
      {
        contentType: 'application/json',
        text: conversation([{ id: 'p', purpose: 'customer', attributes: { userTier: 3 } }]),
      },
    ],
  ])('answers 502 upstream_invalid_response for %s, and the batch item alone fails', async (_label, answer) => {
    body = answer;
    const id = '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f';
    const single = await t.http.get(`/api/verification/conversations/${id}`).set(verifier()).expect(502);
    expect(single.body).toMatchObject({
      statusCode: 502,
      error: 'upstream_invalid_response',
      requestId: expect.any(String),
    });
    const batch = await t.http
      .post('/api/verification/conversations:batch')
      .set(verifier())
      .send({ conversationIds: [id] })
      .expect(200);
    expect(batch.body.results[0].error).toMatchObject({ statusCode: 502, error: 'upstream_invalid_response' });
  });

  it('reports no_customer for a conversation without a customer participant (an agent-only or outbound one), and picks the web messaging customer among several', async () => {
    body = {
      contentType: 'application/json',
      text: conversation([{ id: 'a', purpose: 'agent', attributes: { userTier: 'Gold' } }]),
    };
    const id = '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f';
    const alone = await t.http.get(`/api/verification/conversations/${id}`).set(verifier()).expect(200);
    expect(alone.body).toMatchObject({ conversationId: id, status: 'no_customer', attributes: [] });
    expect(alone.body.participantId).toBeUndefined();

    body = {
      contentType: 'application/json',
      text: conversation([
        { id: 'voice', purpose: 'customer', attributes: {}, calls: [{}] },
        { id: 'web', purpose: 'customer', attributes: { userId: 'usr_1' }, messages: [{ type: 'webmessaging' }] },
      ]),
    };
    const several = await t.http.get(`/api/verification/conversations/${id}`).set(verifier()).expect(200);
    expect(several.body).toMatchObject({ status: 'unsigned', participantId: 'web' });
  });

  it('reads attribute keys named __proto__ or constructor as ordinary names outside the registry', async () => {
    body = {
      contentType: 'application/json',
      text: conversation([
        {
          id: 'p',
          purpose: 'customer',
          attributes: JSON.parse('{"__proto__":"x","constructor":"y","userId":"usr_1"}'),
        },
      ]),
    };
    const response = await t.http
      .get('/api/verification/conversations/0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f')
      .set(verifier())
      .expect(200);
    expect(response.body.status).toBe('unsigned');
    const row = (name: string) =>
      response.body.attributes.find((candidate: { name: string }) => candidate.name === name);
    expect(row('__proto__')).toEqual({ name: '__proto__', status: 'other', required: false, trusted: false });
    expect(row('constructor')).toEqual({ name: 'constructor', status: 'other', required: false, trusted: false });
    expect(row('userId')).toMatchObject({ status: 'present', arrived: 'usr_1' });
  });
});

describe('verdicts from answers exactly as Genesys declares them (purecloud-platform-client-v2 models)', () => {
  let t: TestApp;
  let api: Server;
  let routes: Record<string, unknown>;
  const requested: string[] = [];

  beforeAll(async () => {
    // The API host answers from a table the test fills; the emulator still issues the tokens.
    api = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      requested.push(path);
      const body = routes[path];
      response
        .writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    t = await startTestApp({ env: { GENESYS_API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}` } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => api.close(resolve));
  });
  beforeEach(() => (requested.length = 0));

  const id = '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f';
  const messageId = '11111111-1111-4111-8111-111111111111';

  /**
   * A web messaging conversation carrying these attributes, its message list and its first message's details: each one
   * model-exact.
   */
  function platformAnswering(attributes: Record<string, string>) {
    const startTime = new Date().toISOString();
    const conversation = {
      id,
      startTime,
      participants: [
        {
          id: 'c0ffee00-0000-4000-8000-000000000001',
          purpose: 'customer',
          attributes,
          messages: [
            {
              id: 'c0ffee00-0000-4000-8000-000000000002',
              type: 'webmessaging',
              direction: 'inbound',
              state: 'connected',
            },
          ],
        },
      ],
      selfUri: `/api/v2/conversations/${id}`,
    };
    const messages = {
      id,
      participants: [
        {
          id: 'c0ffee00-0000-4000-8000-000000000001',
          purpose: 'customer',
          type: 'webmessaging',
          attributes,
          messages: [{ messageId, messageTime: startTime }],
        },
      ],
    };
    // MessageData: the declared fields only. ConversationMessagingChannel has no metadata: no custom attributes
    // anywhere.
    const details = {
      id: messageId,
      conversationId: id,
      timestamp: startTime,
      direction: 'inbound',
      messengerType: 'webmessaging',
      status: 'received',
      normalizedMessage: {
        id: messageId,
        channel: { platform: 'Webmessaging', type: 'Private', messageId, time: startTime },
        type: 'Text',
        text: 'Hi',
        originatingEntity: 'Human',
      },
    };
    expectPlatformModel(conversation, 'Conversation');
    expectPlatformModel(messages, 'MessageConversation');
    expectPlatformModel(details, 'MessageData');
    routes = {
      [`/api/v2/conversations/${id}`]: conversation,
      [`/api/v2/conversations/messages/${id}`]: messages,
      [`/api/v2/conversations/messages/${messageId}/details`]: details,
    };
  }

  it('an intact signed web messaging conversation is verified, with its arrival unknown, by conversation and by message id', async () => {
    const issued = (
      await t.http.get('/api/web-messaging/config').set('Authorization', `Bearer ${visitorToken()}`).expect(200)
    ).body.guestAttributes;
    platformAnswering(issued);

    const report = await t.http.get(`/api/verification/conversations/${id}`).set(verifier()).expect(200);
    expect(report.body).toMatchObject({ status: 'verified', arrival: 'unknown' });
    expect(report.body.hint).toBeUndefined();
    // One answer decides it: the messages and their details cannot show where the set rode, so they are not asked.
    expect(requested).toEqual([`/api/v2/conversations/${id}`]);

    const byMessage = await t.http.get(`/api/verification/messages/${messageId}`).set(verifier()).expect(200);
    expect(byMessage.body).toMatchObject({ conversationId: id, status: 'verified', arrival: 'unknown' });
  });

  it('an edited value is still tampered, with no arrival: nothing is vouched to have arrived', async () => {
    const issued = (
      await t.http.get('/api/web-messaging/config').set('Authorization', `Bearer ${visitorToken()}`).expect(200)
    ).body.guestAttributes;
    platformAnswering({ ...issued, userTier: 'Platinum' });
    const report = await t.http.get(`/api/verification/messages/${messageId}`).set(verifier()).expect(200);
    expect(report.body).toMatchObject({ status: 'tampered', signatureProblem: 'mismatch' });
    expect(report.body.arrival).toBeUndefined();
  });
});

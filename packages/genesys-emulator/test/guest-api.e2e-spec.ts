import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { DEFAULT_INBOUND_FLOW } from '../src/participant-data';
import { readJson, startTestEmulator, type TestEmulator } from '../src/test-emulator';
import { ManualClock } from './manual-clock';

/**
 * A Guest API client written from the protocol as docs/genesys-platform.md states it (the mobile
 * transport SDK's and the web messaging tester's frames), not from the emulator's code: connect to
 * `/v1?deploymentId=`, `configureSession` with a token the client makes up, `onMessage`, then find
 * the conversation of the echoed message id over the Platform API.
 */
class GuestClient {
  readonly token = randomUUID();
  private readonly frames: Record<string, unknown>[] = [];
  private waiting: ((frame: Record<string, unknown>) => void) | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      if (this.waiting) {
        const deliver = this.waiting;
        this.waiting = undefined;
        deliver(frame);
      } else this.frames.push(frame);
    });
  }

  static open(url: string): Promise<GuestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { origin: 'https://shop.example.com', handshakeTimeout: 5000 });
      socket.once('open', () => resolve(new GuestClient(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`upgrade answered ${response.statusCode}`)),
      );
    });
  }

  /** Sends a frame and resolves with the next frame the server sends. */
  request(frame: Record<string, unknown>): Promise<Record<string, unknown>> {
    const next = this.frames.shift();
    const answer = next
      ? Promise.resolve(next)
      : new Promise<Record<string, unknown>>((resolve) => (this.waiting = resolve));
    this.socket.send(JSON.stringify(frame));
    return answer;
  }

  configure(deploymentId: string, extra: Record<string, unknown> = {}) {
    return this.request({ action: 'configureSession', deploymentId, token: this.token, ...extra });
  }

  sendText(text: string, customAttributes?: Record<string, unknown>) {
    const channel = customAttributes === undefined ? {} : { channel: { metadata: { customAttributes } } };
    return this.request({ action: 'onMessage', token: this.token, message: { type: 'Text', text, ...channel } });
  }

  /** The next frame the server sends, unasked. */
  next(): Promise<Record<string, unknown>> {
    const queued = this.frames.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => (this.waiting = resolve));
  }

  /** Resolves once the server has closed the connection. */
  closed(): Promise<void> {
    return this.socket.readyState === WebSocket.CLOSED
      ? Promise.resolve()
      : new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  close(): void {
    this.socket.close();
  }
}

describe('Web Messaging Guest API', () => {
  let emulator: TestEmulator;
  let apiToken: string;
  let socketUrl: string;
  const clients: GuestClient[] = [];
  const open = async () => {
    const client = await GuestClient.open(socketUrl);
    clients.push(client);
    return client;
  };

  const clock = new ManualClock();
  beforeAll(async () => {
    emulator = await startTestEmulator({ clock });
    apiToken = await emulator.fetchToken();
    socketUrl = `${emulator.url.replace(/^http/, 'ws')}/v1?deploymentId=${emulator.deploymentId}`;
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(() => emulator.close());

  async function conversationOfMessage(messageId: string) {
    const details = await emulator.get(`/api/v2/conversations/messages/${messageId}/details`, apiToken);
    expect(details.status).toBe(200);
    const { conversationId } = await readJson(details);
    const conversation = await readJson(await emulator.get(`/api/v2/conversations/${conversationId}`, apiToken));
    return {
      conversationId,
      customer: conversation.participants.find(
        (participant: { purpose: string }) => participant.purpose === 'customer',
      ),
    };
  }

  it('configureSession answers a SessionResponse with the session facts', async () => {
    const client = await open();
    const answer = await client.configure(emulator.deploymentId);
    expect(answer).toMatchObject({ type: 'response', class: 'SessionResponse', code: 200 });
    const body = answer.body as Record<string, unknown>;
    // The fields Genesys's transport SDK reads (SessionResponse.kt), and no other.
    expect(body).toEqual({
      connected: true,
      newSession: true,
      readOnly: false,
      maxCustomDataBytes: 2048,
      allowedMedia: {},
      blockedExtensions: [],
      clearedExistingSession: false,
      durationSeconds: 259200,
      expirationDate: Math.floor(clock.now() / 1000) + 259200,
    });
  });

  it('delivers the first message with its custom attributes, echoes it, and the message id leads to the conversation', async () => {
    const client = await open();
    await client.configure(emulator.deploymentId);
    const attributes = { userId: 'usr_7', userTier: 'Gold', attributesSignature: 'v2.k1.x' };
    const echo = await client.sendText('Hello', attributes);
    expect(echo).toMatchObject({
      type: 'message',
      class: 'StructuredMessage',
      code: 200,
      body: { type: 'Text', text: 'Hello', direction: 'Inbound' },
    });
    const messageId = (echo.body as { id: string }).id;
    const { customer } = await conversationOfMessage(messageId);
    expect(customer.attributes).toEqual({ ...attributes, ...DEFAULT_INBOUND_FLOW.onStart });
  });

  it('starts the conversation with the autostart Presence/Join event and its attributes', async () => {
    const client = await open();
    await client.configure(emulator.deploymentId);
    const echo = await client.request({
      action: 'onMessage',
      token: client.token,
      message: {
        type: 'Event',
        events: [{ eventType: 'Presence', presence: { type: 'Join' } }],
        channel: { metadata: { customAttributes: { userId: 'usr_8' } } },
      },
    });
    expect(echo).toMatchObject({ class: 'StructuredMessage', body: { type: 'Event' } });
    const { customer } = await conversationOfMessage((echo.body as { id: string }).id);
    expect(customer.attributes).toEqual({ userId: 'usr_8', ...DEFAULT_INBOUND_FLOW.onStart });
  });

  it('ignores attributes at the old top-level channel.metadata, and counts them', async () => {
    const client = await open();
    await client.configure(emulator.deploymentId);
    const before = emulator.control.counters().legacyAttributeLocations;
    const echo = await client.request({
      action: 'onMessage',
      token: client.token,
      message: { type: 'Text', text: 'Hi' },
      channel: { metadata: { customAttributes: { userId: 'usr_9' } } },
    });
    expect(echo).toMatchObject({ class: 'StructuredMessage', code: 200 });
    const { customer } = await conversationOfMessage((echo.body as { id: string }).id);
    expect(customer.attributes).toEqual(DEFAULT_INBOUND_FLOW.onStart);
    expect(emulator.control.counters().legacyAttributeLocations).toBe(before + 1);
  });

  it('refuses a message over the 2,048-byte budget, null values, and delivers nothing', async () => {
    const client = await open();
    await client.configure(emulator.deploymentId);
    const delivered = emulator.control.counters().guestMessages;
    const over = await client.sendText('Hi', { k: 'x'.repeat(2048) });
    expect(over).toMatchObject({ type: 'response', class: 'string', code: 4013 });
    expect(String(over.body)).toContain('2048');
    expect(await client.sendText('Hi', { userId: null })).toMatchObject({ type: 'response', code: 400 });
    expect(emulator.control.counters().guestMessages).toBe(delivered);
  });

  it('puts attributes sent after the first message on the participant, and an empty value removes one', async () => {
    const client = await open();
    await client.configure(emulator.deploymentId);
    const first = await client.sendText('Hi', { userId: 'usr_10', note: 'x' });
    await client.sendText('Still there?', { userTier: 'Gold', note: '' });
    const { customer } = await conversationOfMessage((first.body as { id: string }).id);
    // The second message found the conversation in queue: the flow's in-queue data came with it.
    expect(customer.attributes).toEqual({
      userId: 'usr_10',
      userTier: 'Gold',
      ...DEFAULT_INBOUND_FLOW.onStart,
      ...DEFAULT_INBOUND_FLOW.inQueue,
    });
  });

  it('resumes a session by its token (newSession false), and refuses a message before configureSession', async () => {
    const first = await open();
    await first.configure(emulator.deploymentId);
    const again = await open();
    const resumed = await again.request({
      action: 'configureSession',
      deploymentId: emulator.deploymentId,
      token: first.token,
    });
    expect(resumed.body).toMatchObject({ newSession: false });
    const stranger = await open();
    expect(await stranger.sendText('Hi')).toMatchObject({ type: 'response', class: 'string', code: 4007 });
  });

  it('refuses a request without a required parameter with 4020, and a text too long with 4011', async () => {
    const client = await open();
    expect(await client.request({ action: 'configureSession', deploymentId: emulator.deploymentId })).toMatchObject({
      class: 'string',
      code: 4020,
    });
    await client.configure(emulator.deploymentId);
    expect(await client.request({ action: 'onMessage', token: client.token })).toMatchObject({
      class: 'string',
      code: 4020,
    });
    expect(await client.request({ action: 'onMessage', message: { type: 'Text', text: 'Hi' } })).toMatchObject({
      class: 'string',
      code: 4020,
    });
    expect(await client.sendText('x'.repeat(4097))).toMatchObject({ class: 'string', code: 4011 });
  });

  it('answers a session over its message rate with 4029 and when to retry, then takes messages again', async () => {
    emulator.control.setGuestMessageRateLimit({ limit: 2, windowSeconds: 10 });
    try {
      const client = await open();
      await client.configure(emulator.deploymentId);
      await client.sendText('one');
      await client.sendText('two');
      expect(await client.sendText('three')).toEqual({
        type: 'response',
        class: 'TooManyRequestsErrorMessage',
        code: 429,
        body: { retryAfter: 10, errorCode: 4029, errorMessage: 'Message rate too high for this session' },
      });
      clock.advance(10_000);
      expect(await client.sendText('four')).toMatchObject({ class: 'StructuredMessage', code: 200 });
    } finally {
      emulator.control.setGuestMessageRateLimit({ limit: 60, windowSeconds: 60 });
    }
  });

  it('refuses a message on an expired session with 4006; configuring the token again starts a new session', async () => {
    const client = await open();
    await client.configure(emulator.deploymentId);
    clock.advance(72 * 3600 * 1000);
    expect(await client.sendText('Hi')).toMatchObject({ type: 'response', class: 'string', code: 4006 });
    expect((await client.configure(emulator.deploymentId)).body).toMatchObject({ connected: true, newSession: true });
  });

  it('keeps at most three connections per session: a fourth closes the oldest with a ConnectionClosedEvent', async () => {
    const connections = [await open(), await open(), await open(), await open()];
    const token = connections[0].token;
    for (const connection of connections) {
      expect(
        await connection.request({ action: 'configureSession', deploymentId: emulator.deploymentId, token }),
      ).toMatchObject({ class: 'SessionResponse' });
    }
    expect(await connections[0].next()).toEqual({
      type: 'message',
      class: 'ConnectionClosedEvent',
      code: 200,
      body: {},
    });
    await connections[0].closed();
    const echo = await connections[3].request({
      action: 'onMessage',
      token,
      message: { type: 'Text', text: 'still here' },
    });
    expect(echo).toMatchObject({ class: 'StructuredMessage', code: 200 });
  });

  it('refuses an unknown deployment id, on the socket URL and in configureSession', async () => {
    await expect(
      GuestClient.open(`${emulator.url.replace(/^http/, 'ws')}/v1?deploymentId=${randomUUID()}`),
    ).rejects.toThrow('upgrade answered 400');
    const client = await open();
    expect(await client.configure(randomUUID())).toMatchObject({ type: 'response', class: 'string', code: 403 });
  });

  it('answers frames that are not requests with a 400, and keeps the connection', async () => {
    const client = await open();
    expect(await client.request({ nothing: true })).toMatchObject({ type: 'response', code: 400 });
    expect(await client.configure(emulator.deploymentId)).toMatchObject({ class: 'SessionResponse' });
  });
});

describe('the REST ingest shortcut', () => {
  let emulator: TestEmulator;
  const clock = new ManualClock();
  beforeAll(async () => {
    emulator = await startTestEmulator({ clock });
  });
  afterAll(() => emulator.close());

  it.each([
    [
      'the Database.set payload posted as-is',
      (deploymentId: string) => ({ deploymentId, messaging: { customAttributes: { userId: 'u' } } }),
      'messaging',
    ],
    ['no message', (deploymentId: string) => ({ deploymentId }), 'message'],
    [
      'attributes at the old top-level location',
      (deploymentId: string) => ({ deploymentId, message: { type: 'Text', text: 'Hi' }, channel: { metadata: {} } }),
      'channel',
    ],
    ['a message without text', (deploymentId: string) => ({ deploymentId, message: { type: 'Text' } }), 'message.text'],
    [
      'an unknown type',
      (deploymentId: string) => ({ deploymentId, message: { type: 'Structured', text: 'Hi' } }),
      'message.type',
    ],
  ])('refuses %s with a 400 naming the field', async (_label, body, field) => {
    const response = await emulator.post('/emulator/webmessaging/messages', body(emulator.deploymentId));
    expect(response.status).toBe(400);
    expect((await readJson(response)).message).toMatch(new RegExp(`^${field.replace('.', '\\.')}\\b`));
  });
});

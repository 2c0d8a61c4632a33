import { randomUUID } from 'node:crypto';
import { readJson, startTestEmulator, type TestEmulator } from '../src/test-emulator';
import { ManualClock } from './manual-clock';
import {
  expectPlatformModel,
  pathMatches,
  platformModelProblems,
  platformOperation,
  SDK_VERSION,
  type PlatformOperation,
} from './platform-models';

/**
 * The emulator against Genesys's own definitions: every answer of every Platform API route the
 * gateway uses is validated against the model the official SDK names as that operation's return
 * type (errors against ErrorBody), objects closed to the declared properties.
 */
const OPERATIONS = [
  'ConversationsApi.getConversation',
  'ConversationsApi.getConversationsMessage',
  'ConversationsApi.getConversationsMessageDetails',
  'ConversationsApi.postAnalyticsConversationsDetailsQuery',
  'ConversationsApi.postAnalyticsConversationsDetailsJobs',
  'ConversationsApi.getAnalyticsConversationsDetailsJob',
  'ConversationsApi.getAnalyticsConversationsDetailsJobResults',
  'ConversationsApi.getAnalyticsConversationsDetailsJobsAvailability',
  'ConversationsApi.deleteAnalyticsConversationsDetailsJob',
  'ConversationsApi.patchConversationParticipantAttributes',
  'ConversationsApi.patchConversationsMessageParticipantAttributes',
].map(platformOperation);

const HOUR = 3_600_000;

describe(`the emulator answers as purecloud-platform-client-v2 ${SDK_VERSION} declares`, () => {
  it('reads the operations from the SDK itself', () => {
    expect(
      OPERATIONS.map(({ name, method, path, body, returns }) => [name.split('.')[1], method, path, body, returns]),
    ).toEqual([
      ['getConversation', 'GET', '/api/v2/conversations/{conversationId}', undefined, 'Conversation'],
      [
        'getConversationsMessage',
        'GET',
        '/api/v2/conversations/messages/{conversationId}',
        undefined,
        'MessageConversation',
      ],
      [
        'getConversationsMessageDetails',
        'GET',
        '/api/v2/conversations/messages/{messageId}/details',
        undefined,
        'MessageData',
      ],
      [
        'postAnalyticsConversationsDetailsQuery',
        'POST',
        '/api/v2/analytics/conversations/details/query',
        'ConversationQuery',
        'AnalyticsConversationQueryResponse',
      ],
      [
        'postAnalyticsConversationsDetailsJobs',
        'POST',
        '/api/v2/analytics/conversations/details/jobs',
        'AsyncConversationQuery',
        'AsyncQueryResponse',
      ],
      [
        'getAnalyticsConversationsDetailsJob',
        'GET',
        '/api/v2/analytics/conversations/details/jobs/{jobId}',
        undefined,
        'AsyncQueryStatus',
      ],
      [
        'getAnalyticsConversationsDetailsJobResults',
        'GET',
        '/api/v2/analytics/conversations/details/jobs/{jobId}/results',
        undefined,
        'AnalyticsConversationAsyncQueryResponse',
      ],
      [
        'getAnalyticsConversationsDetailsJobsAvailability',
        'GET',
        '/api/v2/analytics/conversations/details/jobs/availability',
        undefined,
        'DataAvailabilityResponse',
      ],
      [
        'deleteAnalyticsConversationsDetailsJob',
        'DELETE',
        '/api/v2/analytics/conversations/details/jobs/{jobId}',
        undefined,
        undefined,
      ],
      [
        'patchConversationParticipantAttributes',
        'PATCH',
        '/api/v2/conversations/{conversationId}/participants/{participantId}/attributes',
        'ParticipantAttributes',
        undefined,
      ],
      [
        'patchConversationsMessageParticipantAttributes',
        'PATCH',
        '/api/v2/conversations/messages/{conversationId}/participants/{participantId}/attributes',
        'ParticipantAttributes',
        'ParticipantAttributes',
      ],
    ]);
  });

  it('refuses a property no model declares: the message details this emulator used to answer', () => {
    // What GET .../messages/{messageId}/details answered before the emulator followed MessageData.
    const before = {
      id: 'b0f4e4a6-8d0e-4c55-9f7a-3e1c2d4b5a69',
      conversationId: '7f8e9d0c-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
      timestamp: '2026-12-05T10:00:00.000Z',
      direction: 'inbound',
      messengerType: 'webmessaging',
      textBody: 'Hi',
      status: 'received',
      normalizedMessage: {
        id: 'b0f4e4a6-8d0e-4c55-9f7a-3e1c2d4b5a69',
        channel: {
          platform: 'Webmessaging',
          type: 'Private',
          messageId: 'b0f4e4a6-8d0e-4c55-9f7a-3e1c2d4b5a69',
          time: '2026-12-05T10:00:00.000Z',
          metadata: { customAttributes: { userId: 'usr_1' } },
        },
        type: 'Text',
        text: 'Hi',
        originatingEntity: 'Human',
      },
    };
    expect(platformModelProblems(before, 'MessageData')).toEqual([
      '(root) has textBody, which the model does not declare',
      '/normalizedMessage/channel has metadata, which the model does not declare',
    ]);
    expect(platformModelProblems({ ...before, status: undefined }, 'MessageData')).toContain(
      "(root) must have required property 'status'",
    );
  });

  describe('over HTTP', () => {
    let clock: ManualClock;
    let emulator: TestEmulator;
    let token: string;
    const answered = new Set<string>();

    beforeEach(async () => {
      clock = new ManualClock();
      emulator = await startTestEmulator({ clock, analyticsJobDelayMs: 1000 });
      token = await emulator.fetchToken();
    });
    afterEach(() => emulator.close());

    /** Calls the operation on the path the SDK gives it and checks the answer against the operation's model, or ErrorBody. */
    async function call(
      operation: PlatformOperation,
      parameters: Record<string, string> = {},
      options: { body?: unknown; query?: string; bearer?: string | null } = {},
    ) {
      const path = operation.path.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeURIComponent(parameters[name]));
      expect(pathMatches(operation.path, path)).toBe(true);
      const bearer = options.bearer === undefined ? token : options.bearer;
      const response = await fetch(`${emulator.url}${path}${options.query ?? ''}`, {
        method: operation.method,
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await response.text();
      const model = response.status >= 400 ? 'ErrorBody' : operation.returns;
      if (model === undefined) expect(text).toBe('');
      else expectPlatformModel(JSON.parse(text), model);
      answered.add(`${operation.name} ${response.status}`);
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    }
    const op = (name: string) =>
      OPERATIONS.find((operation) => operation.name.endsWith(`.${name}`)) as PlatformOperation;

    it('for conversations of every kind, their message views and details, the details query and every job route, and the errors', async () => {
      const now = clock.now();
      const attributes = { userId: 'usr_1', userTier: 'Gold', attributesSignature: 'v2.k.1.2.n.m' };
      emulator.control.generateConversations({
        start: now - 4 * HOUR,
        end: now - 2 * HOUR,
        mix: { intact: 2, tampered: 2, unsigned: 2, late: 2, legacy: 2 },
        attributeSets: [
          { attributes, issuedAt: now - 5 * HOUR, expiresAt: now + HOUR },
          { attributes: { ...attributes, userTier: 'Silver' }, issuedAt: now - HOUR, expiresAt: now + HOUR },
        ],
        signatureAttribute: 'attributesSignature',
        queueId: '3b1f6a52-8c1e-4d2a-9a57-6f4f0c2e9d11',
      });
      // A visitor's first message with attributes, then a later one, through the platform's one web messaging core.
      const conversationId = await emulator.sendFirstMessage({ userId: 'usr_2' });

      const listed = (await readJson(await emulator.get('/emulator'))).conversations as string[];
      expect(listed.length).toBeGreaterThanOrEqual(14);
      const messageIds: string[] = [];
      for (const id of listed) {
        expect((await call(op('getConversation'), { conversationId: id })).status).toBe(200);
        const messages = await call(op('getConversationsMessage'), { conversationId: id });
        expect(messages.status).toBe(200);
        for (const participant of messages.body.participants)
          for (const message of participant.messages ?? []) messageIds.push(message.messageId);
      }
      expect(messageIds.length).toBeGreaterThan(0);
      for (const messageId of messageIds) {
        const details = await call(op('getConversationsMessageDetails'), { messageId });
        expect(details.body.conversationId).toBe(conversationId);
      }

      const interval = `${new Date(now - 6 * HOUR).toISOString()}/${new Date(now).toISOString()}`;
      const query = { interval, order: 'asc', paging: { pageSize: 5, pageNumber: 1 } };
      expect(platformModelProblems(query, 'ConversationQuery')).toEqual([]);
      expect((await call(op('postAnalyticsConversationsDetailsQuery'), {}, { body: query })).status).toBe(200);

      expect((await call(op('getAnalyticsConversationsDetailsJobsAvailability'))).status).toBe(200);
      const jobQuery = {
        interval,
        order: 'asc',
        segmentFilters: [{ type: 'and', predicates: [{ dimension: 'messageType', value: 'webmessaging' }] }],
      };
      expect(platformModelProblems(jobQuery, 'AsyncConversationQuery')).toEqual([]);
      const submitted = await call(op('postAnalyticsConversationsDetailsJobs'), {}, { body: jobQuery });
      expect(submitted.status).toBe(202);
      const jobId = submitted.body.jobId as string;
      expect((await call(op('getAnalyticsConversationsDetailsJob'), { jobId })).body.state).toBe('QUEUED');
      clock.advance(500);
      expect((await call(op('getAnalyticsConversationsDetailsJob'), { jobId })).body.state).toBe('PENDING');
      clock.advance(1000);
      expect((await call(op('getAnalyticsConversationsDetailsJob'), { jobId })).body.state).toBe('FULFILLED');
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await call(
          op('getAnalyticsConversationsDetailsJobResults'),
          { jobId },
          { query: `?pageSize=4${cursor ? `&cursor=${cursor}` : ''}` },
        );
        cursor = page.body.cursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBeGreaterThan(2);
      expect((await call(op('deleteAnalyticsConversationsDetailsJob'), { jobId })).status).toBe(204);
      expect((await call(op('getAnalyticsConversationsDetailsJob'), { jobId })).body.state).toBe('CANCELLED');

      // Participant data as scripts and integrations write it, beside what Messenger and the flow wrote.
      const customerId = (await call(op('getConversation'), { conversationId })).body.participants.find(
        (participant: { purpose: string }) => participant.purpose === 'customer',
      ).id as string;
      const patch = { attributes: { 'Script.Disposition': 'callback', screenPopUrl: '' } };
      expect(platformModelProblems(patch, 'ParticipantAttributes')).toEqual([]);
      expect(
        (
          await call(
            op('patchConversationParticipantAttributes'),
            { conversationId, participantId: customerId },
            { body: patch },
          )
        ).status,
      ).toBe(202);
      const patched = await call(
        op('patchConversationsMessageParticipantAttributes'),
        { conversationId, participantId: customerId },
        { body: { attributes: { intent: 'billing' } } },
      );
      expect(patched.status).toBe(200);
      expect(patched.body.attributes).toMatchObject({
        userId: 'usr_2',
        'Script.Disposition': 'callback',
        intent: 'billing',
        'Flow.Language': 'en-GB',
      });
      expect(patched.body.attributes).not.toHaveProperty('screenPopUrl');
      expect(
        (
          await call(
            op('patchConversationsMessageParticipantAttributes'),
            { conversationId, participantId: randomUUID() },
            { body: patch },
          )
        ).status,
      ).toBe(404);
      expect(
        (
          await call(
            op('patchConversationParticipantAttributes'),
            { conversationId, participantId: customerId },
            { body: { attributes: { n: 1 } } },
          )
        ).status,
      ).toBe(400);

      // The errors: every one an ErrorBody.
      expect((await call(op('getConversation'), { conversationId: randomUUID() })).status).toBe(404);
      expect((await call(op('getConversation'), { conversationId: 'not-a-uuid' })).status).toBe(400);
      expect((await call(op('getConversationsMessageDetails'), { messageId: randomUUID() })).status).toBe(404);
      expect((await call(op('getAnalyticsConversationsDetailsJob'), { jobId: randomUUID() })).status).toBe(404);
      expect(
        (await call(op('postAnalyticsConversationsDetailsJobs'), {}, { body: { interval: 'yesterday' } })).status,
      ).toBe(400);
      expect((await call(op('getConversation'), { conversationId }, { bearer: null })).status).toBe(401);
      for (const kind of ['401', '403', '429', '500', '503'] as const) {
        emulator.control.failNext({ route: 'api', kind, count: 1 });
        expect((await call(op('getConversation'), { conversationId })).status).toBe(Number(kind));
      }

      expect(new Set([...answered].map((entry) => entry.split(' ')[0]))).toEqual(
        new Set(OPERATIONS.map((operation) => operation.name)),
      );
    });
  });
});

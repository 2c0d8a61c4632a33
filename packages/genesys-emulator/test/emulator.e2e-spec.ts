import { request as httpRequest } from 'node:http';
import { MAX_CUSTOM_DATA_BYTES } from '../src/custom-data';
import { DEFAULT_INBOUND_FLOW } from '../src/participant-data';
import { readJson, startTestEmulator, type TestEmulator } from '../src/test-emulator';
import { expectShape, oauthErrorSchema, tokenSchema } from './oauth-schemas';
import { expectPlatformModel } from './platform-models';
import { ManualClock } from './manual-clock';

const SEEDED = '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f';
const UNKNOWN = '11111111-2222-4333-8444-555555555555';

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function tokenRequest(
  emulator: TestEmulator,
  init: { authorization?: string; contentType?: string; body?: string },
) {
  const headers: Record<string, string> = {};
  if (init.authorization) headers.authorization = init.authorization;
  if (init.contentType) headers['content-type'] = init.contentType;
  return fetch(`${emulator.url}/oauth/token`, {
    method: 'POST',
    headers,
    body: init.body ?? 'grant_type=client_credentials',
  });
}

async function expectPlatformError(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  const body = (await readJson(response)) as Record<string, unknown>;
  expectPlatformModel(body, 'ErrorBody');
  expect(body).toMatchObject({ status, code });
  return body;
}

function ingestBody(deploymentId: string, customAttributes: unknown) {
  return { deploymentId, message: { type: 'Text', text: 'Hello', channel: { metadata: { customAttributes } } } };
}

describe('Genesys Cloud emulator over HTTP', () => {
  let clock: ManualClock;
  let emulator: TestEmulator;
  let token: string;

  beforeEach(async () => {
    clock = new ManualClock();
    emulator = await startTestEmulator({ clock, tokenLifetimeSeconds: 3600, analyticsJobDelayMs: 1000 });
    token = await emulator.fetchToken();
  });
  afterEach(() => emulator.close());

  describe('POST /oauth/token', () => {
    it('issues an opaque bearer token for client credentials', async () => {
      const response = await tokenRequest(emulator, {
        authorization: basic(emulator.clientId, emulator.clientSecret),
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(response.status).toBe(200);
      const body = await readJson(response);
      expectShape(body, tokenSchema);
      expect(body.expires_in).toBe(3600);
      expect(body.access_token).not.toBe(token);
    });

    it('answers wrong or missing credentials with 401 invalid_client', async () => {
      for (const authorization of [
        basic(emulator.clientId, 'wrong'),
        basic('someone-else', emulator.clientSecret),
        undefined,
      ]) {
        const response = await tokenRequest(emulator, {
          authorization,
          contentType: 'application/x-www-form-urlencoded',
        });
        expect(response.status).toBe(401);
        const body = await readJson(response);
        expectShape(body, oauthErrorSchema);
        expect(body).toEqual({
          error: 'invalid_client',
          description: 'authentication failed',
          error_description: 'authentication failed',
        });
      }
    });

    it('answers a wrong grant type, a missing one and a non-form body with 400', async () => {
      const auth = basic(emulator.clientId, emulator.clientSecret);
      const form = 'application/x-www-form-urlencoded';
      const cases = [
        {
          init: { authorization: auth, contentType: form, body: 'grant_type=password' },
          error: 'unsupported_grant_type',
        },
        { init: { authorization: auth, contentType: form, body: 'scope=x' }, error: 'invalid_request' },
        {
          init: { authorization: auth, contentType: 'application/json', body: '{"grant_type":"client_credentials"}' },
          error: 'invalid_request',
        },
      ];
      for (const { init, error } of cases) {
        const response = await tokenRequest(emulator, init);
        expect(response.status).toBe(400);
        const body = await readJson(response);
        expectShape(body, oauthErrorSchema);
        expect(body.error).toBe(error);
      }
    });
  });

  describe('bearer tokens on the Platform API', () => {
    const path = `/api/v2/conversations/${SEEDED}`;

    it('answers a missing token with authentication.required and an unknown one with bad.credentials', async () => {
      await expectPlatformError(await emulator.get(path), 401, 'authentication.required');
      await expectPlatformError(await emulator.get(path, 'not-a-token-we-issued'), 401, 'bad.credentials');
    });

    it('stops accepting a token once its lifetime has passed (clock moved, not slept)', async () => {
      clock.advance(3600 * 1000 - 1);
      expect((await emulator.get(path, token)).status).toBe(200);
      clock.advance(1);
      await expectPlatformError(await emulator.get(path, token), 401, 'bad.credentials');
    });

    it('stops accepting revoked tokens', async () => {
      expect(emulator.control.revokeAllTokens()).toBe(1);
      await expectPlatformError(await emulator.get(path, token), 401, 'bad.credentials');
      expect((await emulator.get(path, await emulator.fetchToken())).status).toBe(200);
    });

    it('shortens the lifetime of tokens issued after the setting changes', async () => {
      emulator.control.setTokenLifetime(5);
      const shortLived = await emulator.fetchToken();
      clock.advance(5000);
      await expectPlatformError(await emulator.get(path, shortLived), 401, 'bad.credentials');
      expect((await emulator.get(path, token)).status).toBe(200);
    });
  });

  describe('conversations', () => {
    it('serves the Conversation model with a customer participant carrying attributes', async () => {
      const response = await emulator.get(`/api/v2/conversations/${SEEDED}`, token);
      expect(response.status).toBe(200);
      const body = await readJson(response);
      expectPlatformModel(body, 'Conversation');
      const purposes = body.participants.map((participant: { purpose: string }) => participant.purpose);
      expect(purposes).toEqual(['customer', 'workflow', 'acd', 'agent']);
      // Messenger's attributes, and what the inbound flow wrote at the start and once the conversation was in queue.
      expect(body.participants[0].attributes).toEqual({
        userId: 'usr_1001',
        userTier: 'Gold',
        lastOrderDate: '2026-10-30T09:15:00.000Z',
        ...DEFAULT_INBOUND_FLOW.onStart,
        ...DEFAULT_INBOUND_FLOW.inQueue,
      });
    });

    it('serves the MessageConversation model with webmessaging participants', async () => {
      const response = await emulator.get(`/api/v2/conversations/messages/${SEEDED}`, token);
      expect(response.status).toBe(200);
      const body = await readJson(response);
      expectPlatformModel(body, 'MessageConversation');
      expect(body.participants[0]).toMatchObject({ purpose: 'customer', type: 'webmessaging', direction: 'inbound' });
    });

    it('answers a malformed id with 400 and an unknown one with 404', async () => {
      await expectPlatformError(await emulator.get('/api/v2/conversations/not-a-uuid', token), 400, 'bad.request');
      await expectPlatformError(await emulator.get(`/api/v2/conversations/${UNKNOWN}`, token), 404, 'not.found');
      await expectPlatformError(
        await emulator.get(`/api/v2/conversations/messages/${UNKNOWN}`, token),
        404,
        'not.found',
      );
    });
  });

  describe('rate limiting per token', () => {
    it('answers 429 too.many.requests with Retry-After once a token uses up its window', async () => {
      emulator.control.setRateLimit({ limit: 3, windowSeconds: 10 });
      const path = `/api/v2/conversations/${SEEDED}`;
      for (let i = 0; i < 3; i += 1) expect((await emulator.get(path, token)).status).toBe(200);
      clock.advance(4000);
      const limited = await emulator.get(path, token);
      const body = await expectPlatformError(limited, 429, 'too.many.requests');
      expect(limited.headers.get('retry-after')).toBe('6');
      expect(body.message).toBe('Rate limit exceeded the maximum [3] requests within [10] seconds');

      expect((await emulator.get(path, await emulator.fetchToken())).status).toBe(200);

      clock.advance(6000);
      expect((await emulator.get(path, token)).status).toBe(200);
      expect(emulator.control.counters().rateLimited).toBe(1);
    });

    it('limits 300 requests per 60 s by default', async () => {
      const fresh = await startTestEmulator({ clock });
      expect(fresh.control.settings().rateLimit).toEqual({ limit: 300, windowSeconds: 60 });
      await fresh.close();
    });
  });

  describe('Messenger attribute ingest', () => {
    const ingest = (customAttributes: unknown, deploymentId = emulator.deploymentId) =>
      emulator.post('/emulator/webmessaging/messages', ingestBody(deploymentId, customAttributes));

    it('creates a web messaging conversation whose customer carries the attributes exactly, case kept', async () => {
      const attributes = { userId: 'usr_42', userTier: 'Gold', usertier: 'gold', ünïcode: 'välue' };
      const response = await ingest(attributes);
      expect(response.status).toBe(201);
      const created = await readJson(response);
      const conversation = await readJson(await emulator.get(`/api/v2/conversations/${created.conversationId}`, token));
      expectPlatformModel(conversation, 'Conversation');
      const customer = conversation.participants.find(
        (participant: { purpose: string }) => participant.purpose === 'customer',
      );
      expect(customer.id).toBe(created.participantId);
      expect(customer.attributes).toEqual({ ...attributes, ...DEFAULT_INBOUND_FLOW.onStart });
    });

    it('accepts exactly 2048 bytes of keys plus values and refuses 2049, counting multi-byte characters as bytes', async () => {
      // "é" is two bytes in UTF-8: key "k" (1 byte) + 1023 × "é" (2046 bytes) + "x" = 2048.
      const exactly = { k: `${'é'.repeat(1023)}x` };
      expect((await ingest(exactly)).status).toBe(201);
      const over = { k: `${'é'.repeat(1023)}xy` };
      const refused = await expectPlatformError(await ingest(over), 400, 'bad.request');
      expect(refused.message).toBe(
        `message.channel.metadata.customAttributes is 2049 bytes (keys plus values, UTF-8); the limit is ${MAX_CUSTOM_DATA_BYTES}`,
      );
      const multiByteOver = { k: 'é'.repeat(1024) };
      expect(multiByteOver.k.length).toBeLessThan(2048);
      await expectPlatformError(await ingest(multiByteOver), 400, 'bad.request');
    });

    it('refuses values that are not strings and unknown deployments', async () => {
      const notString = await expectPlatformError(await ingest({ userId: 'u', loyaltyPoints: 12 }), 400, 'bad.request');
      expect(notString.message).toContain('loyaltyPoints');
      await expectPlatformError(await ingest({ userId: 'u' }, UNKNOWN), 400, 'bad.request');
    });
  });

  describe('analytics', () => {
    const now = () => new Date(clock.now());
    const interval = (days: number) =>
      `${new Date(clock.now() - days * 86_400_000).toISOString()}/${now().toISOString()}`;
    const filter = { type: 'and', predicates: [{ dimension: 'purpose', value: 'customer' }] };

    it('answers a details query without participant attributes', async () => {
      const response = await emulator.post(
        '/api/v2/analytics/conversations/details/query',
        { interval: interval(1) },
        token,
      );
      expect(response.status).toBe(200);
      const body = await readJson(response);
      expectPlatformModel(body, 'AnalyticsConversationQueryResponse');
      expect(body.totalHits).toBe(3);
    });

    it('enforces 7 days without a filter and 31 with one', async () => {
      const query = (body: object) => emulator.post('/api/v2/analytics/conversations/details/query', body, token);
      await expectPlatformError(await query({ interval: interval(8) }), 400, 'bad.request');
      expect((await query({ interval: interval(8), conversationFilters: [filter] })).status).toBe(200);
      await expectPlatformError(
        await query({ interval: interval(32), conversationFilters: [filter] }),
        400,
        'bad.request',
      );
      await expectPlatformError(await query({ interval: 'yesterday' }), 400, 'bad.request');
    });

    it('runs an async job whose results carry participant attributes, paged by cursor', async () => {
      const created = await emulator.post(
        '/api/v2/analytics/conversations/details/jobs',
        { interval: interval(1) },
        token,
      );
      expect(created.status).toBe(202);
      const { jobId } = await readJson(created);
      const jobPath = `/api/v2/analytics/conversations/details/jobs/${jobId}`;

      expect((await readJson(await emulator.get(jobPath, token))).state).toBe('QUEUED');
      clock.advance(300);
      expect((await readJson(await emulator.get(jobPath, token))).state).toBe('PENDING');
      await expectPlatformError(await emulator.get(`${jobPath}/results`, token), 400, 'bad.request');
      clock.advance(700);
      expect((await readJson(await emulator.get(jobPath, token))).state).toBe('FULFILLED');

      const first = await readJson(await emulator.get(`${jobPath}/results?pageSize=2`, token));
      expectPlatformModel(first, 'AnalyticsConversationAsyncQueryResponse');
      expect(first.conversations).toHaveLength(2);
      expect(first.cursor).toEqual(expect.any(String));
      const second = await readJson(await emulator.get(`${jobPath}/results?pageSize=2&cursor=${first.cursor}`, token));
      expectPlatformModel(second, 'AnalyticsConversationAsyncQueryResponse');
      expect(second.conversations).toHaveLength(1);
      expect(second.cursor).toBeUndefined();
      const customer = first.conversations[0].participants.find((p: { purpose: string }) => p.purpose === 'customer');
      expect(customer.attributes).toEqual(expect.objectContaining({ userId: 'usr_1001' }));
    });

    const jobPath = (jobId: string) => `/api/v2/analytics/conversations/details/jobs/${jobId}`;
    const submit = async (body: object) =>
      (await readJson(await emulator.post('/api/v2/analytics/conversations/details/jobs', body, token)))
        .jobId as string;
    const allResults = async (jobId: string) => {
      clock.advance(1000);
      return (await readJson(await emulator.get(`${jobPath(jobId)}/results`, token))).conversations as {
        conversationId: string;
        participants: { purpose: string; attributes: Record<string, string> }[];
      }[];
    };

    it('cancels a job on DELETE: its state says so and its results are gone', async () => {
      const jobId = await submit({ interval: interval(1) });
      const deleted = await fetch(`${emulator.url}${jobPath(jobId)}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(deleted.status).toBe(204);
      clock.advance(1000);
      expect((await readJson(await emulator.get(jobPath(jobId), token))).state).toBe('CANCELLED');
      await expectPlatformError(await emulator.get(`${jobPath(jobId)}/results`, token), 400, 'bad.request');
    });

    it('gives the availability date and leaves out of jobs what started after it', async () => {
      // The seeded conversations started 3 hours, 1 hour and 10 minutes ago.
      emulator.control.setAnalyticsAvailabilityLag(2 * 3_600_000);
      const availability = await readJson(
        await emulator.get('/api/v2/analytics/conversations/details/jobs/availability', token),
      );
      expect(availability).toEqual({ dataAvailabilityDate: new Date(clock.now() - 2 * 3_600_000).toISOString() });
      expect(await allResults(await submit({ interval: interval(1) }))).toHaveLength(1);
      emulator.control.setAnalyticsAvailabilityLag(0);
      expect(await allResults(await submit({ interval: interval(1) }))).toHaveLength(3);
    });

    it('matches jobs by lifetime overlap, truncates attributes at 1024 characters, and generates a mix', async () => {
      const set = (issuedAt: number) => ({
        attributes: { userId: 'usr_9', note: 'x'.repeat(1500), wm_sig: 'sig' },
        issuedAt: new Date(issuedAt).toISOString(),
        expiresAt: new Date(issuedAt + 3_600_000).toISOString(),
      });
      const start = clock.now() - 2 * 3_600_000;
      const generated = await emulator.post('/emulator/admin/conversations/generate', {
        interval: `${new Date(start).toISOString()}/${new Date(start + 3_600_000).toISOString()}`,
        mix: { intact: 3, tampered: 2, unsigned: 1, late: 1, legacy: 1 },
        attributeSets: [set(start - 60_000), set(start + 1_800_000), set(start + 3_700_000)],
        signatureAttribute: 'wm_sig',
      });
      expect(generated.status).toBe(201);
      expect((await readJson(generated)).generated).toEqual({
        intact: 3,
        tampered: 2,
        unsigned: 1,
        late: 1,
        legacy: 1,
      });
      // Started up to an hour before the interval and lasting ten minutes: only lifetimes overlapping it match.
      const overlapping = `${new Date(start + 3_600_000 - 5 * 60_000).toISOString()}/${new Date(start + 3_600_000).toISOString()}`;
      const late = await allResults(await submit({ interval: overlapping }));
      expect(late.length).toBeGreaterThan(0);
      expect(late.length).toBeLessThan(8);
      const all = await allResults(await submit({ interval: interval(1) }));
      const customers = all.map(
        (conversation) =>
          conversation.participants.find((participant) => participant.purpose === 'customer')?.attributes ?? {},
      );
      expect(
        customers
          .filter((attributes) => attributes.note !== undefined)
          .every((attributes) => attributes.note.length === 1024),
      ).toBe(true);
      // The legacy one and the seeded conversation without attributes: only what the flow wrote.
      const flowWrote = new Set([
        ...Object.keys(DEFAULT_INBOUND_FLOW.onStart),
        ...Object.keys(DEFAULT_INBOUND_FLOW.inQueue),
      ]);
      expect(
        customers.filter((attributes) => Object.keys(attributes).every((name) => flowWrote.has(name))),
      ).toHaveLength(2);
      expect(customers.filter((attributes) => attributes.userId === 'usr_9-edited')).toHaveLength(2);
    });
  });

  describe('a stream of conversations', () => {
    const set = (issuedAt: number) => ({
      attributes: { userId: 'usr_7', wm_sig: 'sig' },
      issuedAt: new Date(issuedAt).toISOString(),
      expiresAt: new Date(issuedAt + 3_600_000).toISOString(),
    });
    const streamBody = () => ({
      perMinute: 6,
      mix: { intact: 2, tampered: 1 },
      attributeSets: [set(clock.now() - 60_000), set(clock.now() + 3_000_000)],
      signatureAttribute: 'wm_sig',
    });
    const streamed = () =>
      emulator.control.conversationIds().filter((id) => {
        const customer = emulator.control.conversation(id)?.participants.find((p) => p.purpose === 'customer');
        return customer?.attributes?.userId?.startsWith('usr_7') ?? false;
      });

    it('keeps conversations arriving as the clock moves, each at the time it was due, in the mix given', async () => {
      const started = await emulator.put('/emulator/admin/conversations/stream', streamBody());
      expect(started.status).toBe(200);
      expect(streamed()).toHaveLength(1);
      clock.advance(10 * 60_000);
      expect(streamed()).toHaveLength(61);
      const status = await readJson(await emulator.get('/emulator/admin/conversations/stream'));
      expect(status).toMatchObject({ running: true, perMinute: 6, generated: { intact: 40, tampered: 21 } });
      // One every ten seconds of the clock, from the start on: the last one is due now.
      const starts = streamed()
        .map((id) => emulator.control.conversation(id)?.startTime ?? 0)
        .sort((a, b) => a - b);
      expect(starts[60] - starts[0]).toBe(10 * 60_000);
      expect(starts[60]).toBe(clock.now());
      const stopped = await readJson(await emulator.delete('/emulator/admin/conversations/stream'));
      expect(stopped).toMatchObject({ running: false, generated: { intact: 40, tampered: 21 } });
      clock.advance(10 * 60_000);
      expect(streamed()).toHaveLength(61);
    });

    it('stops by itself, saying why, when no attribute set is in force any more; refuses a bad rate', async () => {
      await emulator.put('/emulator/admin/conversations/stream', streamBody());
      clock.advance(2 * 3_600_000);
      expect(await readJson(await emulator.get('/emulator/admin/conversations/stream'))).toMatchObject({
        running: false,
        stoppedBecause: expect.stringContaining('no attribute set is in force'),
      });
      const refused = await emulator.put('/emulator/admin/conversations/stream', { ...streamBody(), perMinute: 0 });
      expect(refused.status).toBe(400);
    });
  });

  describe('fault injection', () => {
    const path = `/api/v2/conversations/${SEEDED}`;

    it('answers the next N requests with an injected status, then serves normally', async () => {
      emulator.control.failNext({ route: 'conversations.get', kind: '503', count: 2 });
      await expectPlatformError(await emulator.get(path, token), 503, 'service.unavailable');
      await expectPlatformError(await emulator.get(path, token), 503, 'service.unavailable');
      expect((await emulator.get(path, token)).status).toBe(200);
    });

    it('injects 401, 403, 429 with and without Retry-After, and 500', async () => {
      emulator.control.failNext({ route: 'api', kind: '401', count: 1 });
      emulator.control.failNext({ route: 'api', kind: '403', count: 1 });
      emulator.control.failNext({ route: 'api', kind: '429', count: 1, retryAfterSeconds: 7 });
      emulator.control.failNext({ route: 'api', kind: '429', count: 1, retryAfterSeconds: null });
      emulator.control.failNext({ route: 'api', kind: '500', count: 1 });
      await expectPlatformError(await emulator.get(path, token), 401, 'bad.credentials');
      const forbidden = await expectPlatformError(await emulator.get(path, token), 403, 'missing.permissions');
      expect(forbidden.message).toContain('conversation:communication:view');
      const withRetryAfter = await emulator.get(path, token);
      await expectPlatformError(withRetryAfter, 429, 'too.many.requests');
      expect(withRetryAfter.headers.get('retry-after')).toBe('7');
      const withoutRetryAfter = await emulator.get(path, token);
      await expectPlatformError(withoutRetryAfter, 429, 'too.many.requests');
      expect(withoutRetryAfter.headers.get('retry-after')).toBeNull();
      await expectPlatformError(await emulator.get(path, token), 500, 'internal.server.error');
      expect((await emulator.get(path, token)).status).toBe(200);
    });

    it('drops the connection, or holds the request past the caller’s timeout', async () => {
      emulator.control.failNext({ route: 'conversations.get', kind: 'drop', count: 1 });
      await expect(emulator.get(path, token)).rejects.toThrow();

      emulator.control.failNext({ route: 'conversations.get', kind: 'hang', count: 1, hangMs: 5000 });
      const started = Date.now();
      await expect(
        fetch(`${emulator.url}${path}`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(300),
        }),
      ).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await emulator.get(path, token)).status).toBe(200);
    });

    it('fails token requests too', async () => {
      emulator.control.failNext({ route: 'oauth.token', kind: '503', count: 1 });
      await expect(emulator.fetchToken()).rejects.toThrow('503');
      expect(typeof (await emulator.fetchToken())).toBe('string');
    });

    it('counts token requests and API calls per route', async () => {
      emulator.control.resetCounters();
      await emulator.fetchToken();
      await emulator.get(path, token);
      await emulator.get(`/api/v2/conversations/messages/${SEEDED}`, token);
      await emulator.get(`/api/v2/conversations/${UNKNOWN}`, token);
      const counters = emulator.control.counters();
      expect(counters.tokenRequests).toBe(1);
      expect(counters.apiCalls['conversations.get']).toBe(2);
      expect(counters.apiCalls['conversations.messages.get']).toBe(1);
      expect(counters.responsesByStatus).toEqual({ '200': 3, '404': 1 });
    });
  });

  describe('admin routes', () => {
    it('inject faults, revoke tokens, change settings and read counters over HTTP', async () => {
      const added = await emulator.post('/emulator/admin/faults', {
        route: 'api',
        kind: '429',
        count: 1,
        retryAfterSeconds: 2,
      });
      expect(added.status).toBe(201);
      const limited = await emulator.get(`/api/v2/conversations/${SEEDED}`, token);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('2');

      const revoked = await emulator.post('/emulator/admin/tokens/revoke', {});
      expect(await readJson(revoked)).toEqual({ revoked: 1 });

      const settings = await fetch(`${emulator.url}/emulator/admin/settings`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tokenLifetimeSeconds: 60, rateLimit: { limit: 50, windowSeconds: 10 } }),
      });
      expect(await readJson(settings)).toMatchObject({
        tokenLifetimeSeconds: 60,
        rateLimit: { limit: 50, windowSeconds: 10 },
      });

      const counters = await readJson(await emulator.get('/emulator/admin/counters'));
      expect(counters.tokenRequests).toBe(1);
      expect(counters.apiCalls['conversations.get']).toBe(1);
    });

    it('answer only requests addressed to this machine: a name rebound to 127.0.0.1 by a page gets 403', async () => {
      const status = (path: string, host: string) =>
        new Promise<number>((resolve, reject) => {
          const target = new URL(emulator.url);
          const request = httpRequest(
            { host: target.hostname, port: target.port, path, headers: { host } },
            (response) => {
              response.resume();
              resolve(response.statusCode ?? 0);
            },
          );
          request.on('error', reject);
          request.end();
        });
      const port = new URL(emulator.url).port;
      for (const path of ['/emulator/admin/settings', '/emulator/admin/counters', '/emulator', '/demo/session.json']) {
        expect(await status(path, `attacker.example:${port}`)).toBe(403);
      }
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`])
        expect(await status('/emulator/admin/settings', host)).toBe(200);
      // The Platform API is what the gateway calls by whatever name it was given (compose: emulator:8787).
      expect(await status(`/api/v2/conversations/${SEEDED}`, `emulator:${port}`)).toBe(401);
    });

    it('refuse a malformed fault', async () => {
      await expectPlatformError(
        await emulator.post('/emulator/admin/faults', { route: 'everything', kind: '418', count: 1 }),
        400,
        'bad.request',
      );
    });

    it('are not mounted unless the emulator runs in emulator mode', async () => {
      const plain = await startTestEmulator({ adminRoutes: false });
      try {
        await expectPlatformError(
          await plain.post('/emulator/admin/faults', { route: 'api', kind: '500', count: 1 }),
          404,
          'not.found',
        );
        await expectPlatformError(await plain.get('/emulator/admin/counters'), 404, 'not.found');
      } finally {
        await plain.close();
      }
    });
  });
});

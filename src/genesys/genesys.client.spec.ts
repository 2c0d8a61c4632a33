import type { HttpService } from '@nestjs/axios';
import { AxiosError, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { defer, type Observable } from 'rxjs';
import { ManualClock } from '../../test/support/manual-clock';
import { inMemorySharedState } from '../../test/support/in-memory-shared-state';
import { refusalOf } from '../../test/support/refusal';
import { strictFake } from '../../test/support/strict-fake';
import { ServiceMetrics } from '../metrics/service-metrics';
import { GenesysRateLimiter } from './genesys-rate-limiter';
import { GenesysTokenService } from './genesys-token.service';
import { GenesysClient } from './genesys.client';
import type { GenesysConfig } from './genesys.config';

const CONVERSATION = '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f';
const config = {
  loginUrl: 'https://login.example.test',
  apiUrl: 'https://api.example.test',
  clientId: 'client-id',
  clientSecret: 'client-secret',
  tokenRefreshBufferSeconds: 300,
  httpTimeoutMs: 10_000,
  maxRetries: 3,
  retryBudgetMs: 30_000,
  rateLimit: { requests: 300, windowSeconds: 60 },
} as GenesysConfig;

type Answer = Partial<AxiosResponse> | AxiosError;
const conversationBody = {
  id: CONVERSATION,
  startTime: '2026-11-24T09:00:00.000Z',
  participants: [{ id: 'p1', purpose: 'customer' }],
};
const tokenAnswer = (token: string): Answer => ({
  status: 200,
  data: { access_token: token, token_type: 'bearer', expires_in: 86400 },
  headers: {},
});

/**
 * Genesys at the HTTP boundary: each request is answered by the next scripted answer for its
 * path (the token endpoint or the API), and recorded with the settings it was sent with.
 */
function setUp(script: { token?: Answer[]; api?: Answer[] }) {
  const clock = new ManualClock();
  const sent: AxiosRequestConfig[] = [];
  const queues = { token: [...(script.token ?? [tokenAnswer('token-1')])], api: [...(script.api ?? [])] };
  const http = strictFake<HttpService>('HttpService', {
    request: <T>(request: AxiosRequestConfig): Observable<AxiosResponse<T>> =>
      defer(async () => {
        sent.push(request);
        const queue = String(request.url).endsWith('/oauth/token') ? queues.token : queues.api;
        const answer = queue.length > 1 ? queue.shift() : queue[0];
        if (!answer) throw new Error(`nothing scripted for ${request.url}`);
        if (answer instanceof AxiosError) throw answer;
        return { headers: {}, statusText: '', config: {}, ...answer } as AxiosResponse<T>;
      }),
  });
  const shared = inMemorySharedState();
  const metrics = new ServiceMetrics();
  const client = new GenesysClient(
    http,
    new GenesysTokenService(shared, config, clock),
    new GenesysRateLimiter(config, shared, clock, metrics),
    config,
    clock,
    metrics,
  );
  const apiRequests = () => sent.filter((request) => !String(request.url).endsWith('/oauth/token'));
  return { clock, client, sent, apiRequests };
}

describe('GenesysClient', () => {
  it('sends each API call with the bearer token, a timeout, no redirects and a bound on the answer', async () => {
    const { client, sent } = setUp({ api: [{ status: 200, data: conversationBody }] });
    expect(await client.getConversation(CONVERSATION)).toMatchObject({ id: CONVERSATION });
    expect(sent.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST https://login.example.test/oauth/token',
      `GET https://api.example.test/api/v2/conversations/${CONVERSATION}`,
    ]);
    expect(sent[0]).toMatchObject({
      data: 'grant_type=client_credentials',
      headers: { authorization: `Basic ${Buffer.from('client-id:client-secret').toString('base64')}` },
    });
    expect(sent[1]).toMatchObject({
      headers: { authorization: 'Bearer token-1' },
      timeout: 10_000,
      maxRedirects: 0,
      maxContentLength: 4 * 1024 * 1024,
    });
  });

  it('answers null for a conversation Genesys does not know, and 502 upstream_forbidden naming a missing permission', async () => {
    expect(await setUp({ api: [{ status: 404, data: {} }] }).client.getConversation(CONVERSATION)).toBeNull();
    const forbidden = { status: 403, data: { message: 'Missing permission [conversation:communication:view]' } };
    expect(await refusalOf(setUp({ api: [forbidden] }).client.getConversation(CONVERSATION))).toMatchObject({
      status: 502,
      code: 'upstream_forbidden',
    });
  });

  it('gets a new token once when one is refused (401), and gives up with upstream_auth_failed when the new one is refused too', async () => {
    const once = setUp({
      token: [tokenAnswer('token-1'), tokenAnswer('token-2')],
      api: [
        { status: 401, data: {} },
        { status: 200, data: conversationBody },
      ],
    });
    await once.client.getConversation(CONVERSATION);
    expect(once.apiRequests().map((request) => (request.headers as Record<string, string>).authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
    const twice = setUp({ token: [tokenAnswer('token-1'), tokenAnswer('token-2')], api: [{ status: 401, data: {} }] });
    expect(await refusalOf(twice.client.getConversation(CONVERSATION))).toMatchObject({
      status: 502,
      code: 'upstream_auth_failed',
    });
    expect(twice.apiRequests()).toHaveLength(2);
  });

  it('waits out a 429 for its Retry-After (plus at most 10 %) on the clock, then succeeds', async () => {
    const { clock, client } = setUp({
      api: [
        { status: 429, headers: { 'retry-after': '2' }, data: {} },
        { status: 200, data: conversationBody },
      ],
    });
    const started = clock.now();
    await clock.drive(client.getConversation(CONVERSATION));
    expect(clock.now() - started).toBeGreaterThanOrEqual(2000);
    expect(clock.now() - started).toBeLessThanOrEqual(2200);
  });

  it('answers 429 at once with an honest Retry-After when the wait would not fit the retry budget', async () => {
    const { clock, client, apiRequests } = setUp({
      api: [{ status: 429, headers: { 'retry-after': '120' }, data: {} }],
    });
    const started = clock.now();
    expect(await refusalOf(client.getConversation(CONVERSATION))).toMatchObject({
      status: 429,
      code: 'upstream_rate_limited',
      headers: { 'retry-after': '120' },
    });
    expect(clock.now()).toBe(started);
    expect(apiRequests()).toHaveLength(1);
  });

  it('retries 503 and lost connections with backoff, GENESYS_MAX_RETRIES times, then answers 502 upstream_unavailable', async () => {
    const reset = new AxiosError('socket hang up', 'ECONNRESET');
    const { clock, client, apiRequests } = setUp({
      api: [{ status: 503, data: {} }, reset, { status: 503, data: {} }],
    });
    expect(await refusalOf(clock.drive(client.getConversation(CONVERSATION)))).toMatchObject({
      status: 502,
      code: 'upstream_unavailable',
    });
    expect(apiRequests()).toHaveLength(4);
  });

  it('does not retry an answer too large to read: asking again gets the same answer', async () => {
    const { client, apiRequests } = setUp({
      api: [new AxiosError('maxContentLength size of 4194304 exceeded', 'ERR_BAD_RESPONSE')],
    });
    expect(await refusalOf(client.getConversation(CONVERSATION))).toMatchObject({
      status: 502,
      code: 'upstream_invalid_response',
    });
    expect(apiRequests()).toHaveLength(1);
  });

  it('answers 502 upstream_auth_failed when the token endpoint refuses the client credentials, without retrying them', async () => {
    const { client, sent } = setUp({ token: [{ status: 401, data: { error: 'invalid_client' } }] });
    expect(await refusalOf(client.getConversation(CONVERSATION))).toMatchObject({
      status: 502,
      code: 'upstream_auth_failed',
    });
    expect(sent).toHaveLength(1);
  });
});

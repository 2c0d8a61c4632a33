import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GenesysTokenService } from '../src/genesys/genesys-token.service';
import { GenesysProbeController } from './support/genesys-probe.controller';
import { ManualClock } from './support/manual-clock';
import { startTestApp, type TestApp } from './support/test-app';
import { visitorToken } from './support/test-tokens';

const SEEDED = '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f';
const UNKNOWN = '11111111-2222-4333-8444-555555555555';

describe('Genesys Cloud client against the emulator', () => {
  let t: TestApp;
  const auth = { Authorization: `Bearer ${visitorToken()}` };
  const conversation = (id = SEEDED) => t.http.get(`/probe/conversations/${id}`).set(auth);

  async function start(env: Record<string, string> = {}, clock?: ManualClock) {
    t = await startTestApp({ controllers: [GenesysProbeController], env, clock });
    t.emulator.control.resetCounters();
  }
  afterEach(() => t.close());

  it('makes one token request for 200 concurrent cold requests', async () => {
    await start();
    const responses = await Promise.all(Array.from({ length: 200 }, () => conversation()));
    expect(responses.map((response) => response.status)).toEqual(Array(200).fill(200));
    expect(t.emulator.control.counters().tokenRequests).toBe(1);
    expect(t.emulator.control.counters().apiCalls['conversations.get']).toBe(200);
  });

  it('returns the conversation, and a typed not-found for an unknown one', async () => {
    await start();
    const found = await conversation().expect(200);
    expect(found.body).toEqual({ id: SEEDED, purposes: ['customer', 'workflow', 'acd', 'agent'] });
    const missing = await conversation(UNKNOWN).expect(404);
    expect(missing.body.error).toBe('conversation_not_found');
  });

  it('refreshes once and succeeds when the token was revoked', async () => {
    await start();
    await conversation().expect(200);
    t.emulator.control.revokeAllTokens();
    await conversation().expect(200);
    const counters = t.emulator.control.counters();
    expect(counters.tokenRequests).toBe(2);
    expect(counters.responsesByStatus['401']).toBe(1);
  });

  it('survives one 401 and answers 502 upstream_auth_failed after two', async () => {
    await start();
    t.emulator.control.failNext({ route: 'conversations.get', kind: '401', count: 1 });
    await conversation().expect(200);
    t.emulator.control.failNext({ route: 'conversations.get', kind: '401', count: 2 });
    const failed = await conversation().expect(502);
    expect(failed.body).toMatchObject({ statusCode: 502, error: 'upstream_auth_failed' });
    expect(t.emulator.control.counters().apiCalls['conversations.get']).toBe(4);
  });

  it('waits out a 429 with Retry-After 1 (plus at most 10 % of jitter) and succeeds', async () => {
    const clock = new ManualClock();
    await start({}, clock);
    await conversation().expect(200);
    t.emulator.control.failNext({ route: 'conversations.get', kind: '429', count: 1, retryAfterSeconds: 1 });
    const started = clock.now();
    await clock.drive(conversation().expect(200).then(), () => t.upstreamInFlight() > 0);
    expect(clock.now() - started).toBeGreaterThanOrEqual(1000);
    expect(clock.now() - started).toBeLessThanOrEqual(1100);
  });

  it('passes a Retry-After beyond the budget straight to the caller as 429', async () => {
    await start();
    await conversation().expect(200);
    t.emulator.control.failNext({ route: 'conversations.get', kind: '429', count: 1, retryAfterSeconds: 120 });
    const started = Date.now();
    const limited = await conversation().expect(429);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(limited.headers['retry-after']).toBe('120');
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'upstream_rate_limited' });
  });

  it('retries 503 with backoff, and gives up with 502 upstream_unavailable after GENESYS_MAX_RETRIES', async () => {
    const clock = new ManualClock();
    await start({ GENESYS_MAX_RETRIES: '2' }, clock);
    const driven = (call: Promise<{ status: number; body: { error: string } }>) =>
      clock.drive(call, () => t.upstreamInFlight() > 0);
    t.emulator.control.failNext({ route: 'conversations.get', kind: '503', count: 2 });
    expect((await driven(conversation().then())).status).toBe(200);
    t.emulator.control.failNext({ route: 'conversations.get', kind: '503', count: 3 });
    const failed = await driven(conversation().then());
    expect(failed.status).toBe(502);
    expect(failed.body.error).toBe('upstream_unavailable');
    expect(t.emulator.control.counters().apiCalls['conversations.get']).toBe(3 + 3);
  });

  it('answers a hanging upstream with our own timeout, not a hung request', async () => {
    await start({ GENESYS_HTTP_TIMEOUT_MS: '300', GENESYS_MAX_RETRIES: '0' });
    await conversation().expect(200);
    t.emulator.control.failNext({ route: 'conversations.get', kind: 'hang', count: 1, hangMs: 10_000 });
    const started = Date.now();
    const timedOut = await conversation().expect(504);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(timedOut.body.error).toBe('upstream_unavailable');
  });

  it('retries a dropped connection', async () => {
    await start();
    await conversation().expect(200);
    t.emulator.control.failNext({ route: 'conversations.get', kind: 'drop', count: 1 });
    await conversation().expect(200);
  });

  it('maps 403 to 502 upstream_forbidden naming the missing permission', async () => {
    await start();
    t.emulator.control.failNext({ route: 'conversations.get', kind: '403', count: 1 });
    const forbidden = await conversation().expect(502);
    expect(forbidden.body.error).toBe('upstream_forbidden');
    expect(forbidden.body.message).toContain('conversation:communication:view');
  });

  it('queues a burst under the client-side rate limit instead of provoking 429s', async () => {
    const clock = new ManualClock();
    await start({ GENESYS_RATE_LIMIT_REQUESTS: '5', GENESYS_RATE_LIMIT_WINDOW_SECONDS: '1' }, clock);
    t.emulator.control.setRateLimit({ limit: 5, windowSeconds: 1 });
    const started = clock.now();
    const responses = await clock.drive(
      Promise.all(Array.from({ length: 12 }, () => conversation().then())),
      () => t.upstreamInFlight() > 0,
    );
    expect(responses.map((response) => response.status)).toEqual(Array(12).fill(200));
    // Three windows of five: the third group goes out two windows (and the limiter's margins) after the first.
    expect(clock.now() - started).toBeGreaterThanOrEqual(2000);
    expect(t.emulator.control.counters().rateLimited).toBe(0);
  });

  it('reports refused client credentials on readiness and as 502, naming the variables, never the secret', async () => {
    await start({ GENESYS_CLIENT_SECRET: 'definitely-the-wrong-secret' });
    const ready = await t.http.get('/health/ready').expect(503);
    expect(ready.body.error).toBe('service_unavailable');
    expect(JSON.stringify(ready.body)).toContain('GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET');
    const failed = await conversation().expect(502);
    expect(failed.body.error).toBe('upstream_auth_failed');
    const everything = JSON.stringify([ready.body, failed.body]) + t.logLines().join('\n');
    expect(everything).not.toContain('definitely-the-wrong-secret');
  });

  it('reports readiness from the cached token without a new token request per probe', async () => {
    await start();
    await t.http.get('/health/ready').expect(200);
    await t.http.get('/health/ready').expect(200);
    await t.http.get('/health/ready').expect(200);
    expect(t.emulator.control.counters().tokenRequests).toBe(1);
  });

  it('writes the retry warning under the id of the request it happened in', async () => {
    const clock = new ManualClock();
    await start({}, clock);
    t.emulator.control.failNext({ route: 'conversations.get', kind: '503', count: 1 });
    const call = conversation().set('X-Request-Id', 'retry-in-context-1').then();
    expect((await clock.drive(call, () => t.upstreamInFlight() > 0)).status).toBe(200);
    const warning = t.logLines().find((line) => line.includes('retrying'));
    expect(JSON.parse(warning!)).toMatchObject({ level: 40, requestId: 'retry-in-context-1' });
  });

  it('never logs the client secret or the access token over a full token and retry cycle', async () => {
    const clock = new ManualClock();
    await start({ LOG_LEVEL: 'debug' }, clock);
    await conversation().expect(200);
    t.emulator.control.revokeAllTokens();
    t.emulator.control.failNext({ route: 'conversations.get', kind: '503', count: 1 });
    t.emulator.control.failNext({ route: 'conversations.get', kind: '429', count: 1, retryAfterSeconds: 1 });
    expect((await clock.drive(conversation().then(), () => t.upstreamInFlight() > 0)).status).toBe(200);
    const token = t.app.get(GenesysTokenService).peek()?.value;
    expect(token).toEqual(expect.any(String));
    const logs = t.logLines().join('\n');
    expect(logs).toContain('retrying');
    expect(logs).not.toContain(t.emulator.clientSecret);
    expect(logs).not.toContain(token);
  });
});

describe('token answers the service cannot use', () => {
  let t: TestApp;
  let login: Server;
  let tokenRequests = 0;
  let answer: () => string;

  beforeAll(async () => {
    // The login host answers what the test says; nothing gets as far as the API host.
    login = createServer((_request, response) => {
      tokenRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(answer());
    });
    await new Promise<void>((resolve) => login.listen(0, '127.0.0.1', resolve));
    t = await startTestApp({
      controllers: [GenesysProbeController],
      env: { GENESYS_LOGIN_URL: `http://127.0.0.1:${(login.address() as AddressInfo).port}` },
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => login.close(resolve));
  });
  beforeEach(() => {
    tokenRequests = 0;
  });

  const conversation = () =>
    t.http.get(`/probe/conversations/${SEEDED}`).set('Authorization', `Bearer ${visitorToken()}`);

  it.each([0, -5, 1.5, 'soon'])(
    'refuses expires_in %p with 502 upstream_unavailable rather than using a token that is stale at once',
    async (expiresIn) => {
      answer = () => JSON.stringify({ access_token: 'a-token', token_type: 'bearer', expires_in: expiresIn });
      for (let call = 0; call < 3; call += 1)
        expect((await conversation().expect(502)).body.error).toBe('upstream_unavailable');
      expect(tokenRequests).toBe(3);
    },
  );

  it('stops reading a 20 MB token answer at 64 KB and answers 502 at once, without retrying', async () => {
    const huge = JSON.stringify({
      access_token: 'x'.repeat(20 * 1024 * 1024),
      token_type: 'bearer',
      expires_in: 86400,
    });
    answer = () => huge;
    const response = await conversation().expect(502);
    expect(response.body).toMatchObject({ error: 'upstream_invalid_response' });
    expect(tokenRequests).toBe(1);
  });
});

describe('overload of the client-side rate limit', () => {
  it('answers 400 lookups against 300 per minute and a 30 s budget: 300 answered, 100 refused at once with the real wait', async () => {
    const t = await startTestApp({
      controllers: [GenesysProbeController],
      env: {
        GENESYS_RATE_LIMIT_REQUESTS: '300',
        GENESYS_RATE_LIMIT_WINDOW_SECONDS: '60',
        GENESYS_RETRY_BUDGET_MS: '30000',
      },
    });
    try {
      const auth = { Authorization: `Bearer ${visitorToken()}` };
      const started = Date.now();
      const outcomes = await Promise.all(
        Array.from({ length: 400 }, async () => {
          const sent = Date.now();
          const response = await t.http.get(`/probe/conversations/${SEEDED}`).set(auth);
          return {
            status: response.status,
            retryAfter: Number(response.headers['retry-after']),
            ms: Date.now() - sent,
            error: response.body.error as string,
          };
        }),
      );
      const refused = outcomes.filter((outcome) => outcome.status === 429);
      expect(outcomes.filter((outcome) => outcome.status === 200)).toHaveLength(300);
      expect(refused).toHaveLength(100);
      expect(refused.every((outcome) => outcome.error === 'upstream_rate_limited')).toBe(true);
      // Not held for a slot: the first one frees after 60 s. (How fast is a figure for the bench, not a test under a
      // loaded CI.)
      expect(Math.max(...refused.map((outcome) => outcome.ms))).toBeLessThan(10_000);
      // The 301st slot frees when the first admitted request leaves the 60 s window (plus the limiter's 1 s margin).
      const realWaitSeconds = 61 - (Date.now() - started) / 1000;
      expect(Math.min(...refused.map((outcome) => outcome.retryAfter))).toBeGreaterThanOrEqual(
        Math.floor(realWaitSeconds),
      );
      expect(t.emulator.control.counters().rateLimited).toBe(0);
    } finally {
      await t.close();
    }
  });
});

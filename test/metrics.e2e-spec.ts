import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, visitorToken } from './support/test-tokens';

const verifier = { Authorization: `Bearer ${serviceToken(['conversations:verify'])}` };

/** The value of a series in Prometheus's text format, or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('/metrics after a short scenario: config, verify, tamper, 429', () => {
  let t: TestApp;
  let text: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { GENESYS_RETRY_BUDGET_MS: '1000' } });
    const issued = (
      await t.http.get('/api/web-messaging/config').set('Authorization', `Bearer ${visitorToken()}`).expect(200)
    ).body.guestAttributes;
    const intact = await t.emulator.sendFirstMessage(issued);
    const tampered = await t.emulator.sendFirstMessage({ ...issued, userTier: 'Silver' });
    await t.http.get(`/api/verification/conversations/${intact}`).set(verifier).expect(200);
    await t.http.get(`/api/verification/conversations/${tampered}`).set(verifier).expect(200);
    // A Retry-After beyond the budget: passed on as 429.
    t.emulator.control.failNext({ route: 'conversations.get', kind: '429', count: 1, retryAfterSeconds: 120 });
    await t.http.get(`/api/verification/conversations/${intact}`).set(verifier).expect(429);
    text = (
      await t.http
        .get('/metrics')
        .expect(200)
        .expect('content-type', /text\/plain/)
    ).text;
  });
  afterAll(() => t.close());

  it('counts verdicts by status, and the tampered attribute by its registry name', () => {
    expect(sample(text, 'wm_verifications_total', { status: 'verified' })).toBe(1);
    expect(sample(text, 'wm_verifications_total', { status: 'tampered' })).toBe(1);
    expect(
      sample(text, 'wm_verification_attribute_findings_total', { attribute: 'userTier', status: 'mismatch' }),
    ).toBe(1);
    expect(sample(text, 'wm_attribute_sets_issued_total')).toBe(1);
  });

  it('counts Genesys requests by route and status, the 429 among them, and token requests', () => {
    expect(
      sample(text, 'wm_genesys_requests_total', { route: 'GET /api/v2/conversations/{conversationId}', status: '200' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, 'wm_genesys_requests_total', { route: 'GET /api/v2/conversations/{conversationId}', status: '429' }),
    ).toBe(1);
    expect(sample(text, 'wm_genesys_token_requests_total', { outcome: 'issued' })).toBe(1);
  });

  it('observes HTTP requests by route template, never by the path a caller chose', () => {
    expect(
      sample(text, 'wm_http_request_duration_seconds_count', {
        route: '/api/verification/conversations/:conversationId',
        status: '429',
      }),
    ).toBe(1);
    expect(text).not.toMatch(/route="\/api\/verification\/conversations\/[0-9a-f]{8}-/);
    expect(sample(text, 'wm_process_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('carries no attribute value, token or visitor id', () => {
    expect(text).not.toContain('usr_1001');
    expect(text).not.toContain('Silver');
  });
});

describe('/metrics access', () => {
  it('is off (404) in production without METRICS_TOKEN, and wants the token when it is set', async () => {
    const production = {
      NODE_ENV: 'production',
      ATTRIBUTE_SIGNING_KEYS: 'k1:a-signing-secret-of-at-least-32-characters',
    };
    const closed = await startTestApp({ env: production });
    try {
      expect((await closed.http.get('/metrics').expect(404)).body.error).toBe('not_found');
    } finally {
      await closed.close();
    }
    const guarded = await startTestApp({ env: { ...production, METRICS_TOKEN: 'a-scrape-token-for-prometheus' } });
    try {
      await guarded.http.get('/metrics').expect(401);
      await guarded.http.get('/metrics').set('Authorization', 'Bearer not-the-token-at-all-xx').expect(401);
      await guarded.http.get('/metrics').set('Authorization', 'Bearer a-scrape-token-for-prometheus').expect(200);
    } finally {
      await guarded.close();
    }
  });
});

import {
  expectPlatformModel,
  operationFor,
  platformOperation,
  SDK_VERSION,
} from '../packages/genesys-emulator/test/platform-models';
import { generateAuditSample } from './support/audit-sample';
import { ManualClock } from './support/manual-clock';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken } from './support/test-tokens';
import { startTestEmulator, type TestEmulator } from 'genesys-emulator';

/** Every Platform API operation the gateway calls, as the official SDK names it. */
const USED = [
  'ConversationsApi.getConversation',
  'ConversationsApi.getConversationsMessageDetails',
  'ConversationsApi.postAnalyticsConversationsDetailsJobs',
  'ConversationsApi.getAnalyticsConversationsDetailsJob',
  'ConversationsApi.getAnalyticsConversationsDetailsJobResults',
  'ConversationsApi.getAnalyticsConversationsDetailsJobsAvailability',
  'ConversationsApi.deleteAnalyticsConversationsDetailsJob',
].map(platformOperation);

const HOUR = 3_600_000;
const auth = { authorization: `Bearer ${serviceToken(['conversations:verify'])}` };

/**
 * The gateway and the emulator over a recording proxy: every request the service sends to the
 * Platform API and every answer it gets, while it verifies conversations of every generated kind,
 * a visitor's message, unknown ids and a rate limit, and runs and cancels audits, are held against
 * the models purecloud-platform-client-v2 declares for that operation.
 */
describe(`what the gateway sends to Genesys and is answered, against purecloud-platform-client-v2 ${SDK_VERSION}`, () => {
  let clock: ManualClock;
  let emulator: TestEmulator;
  let proxy: RecordingProxy;
  let t: TestApp;

  beforeEach(async () => {
    clock = new ManualClock();
    emulator = await startTestEmulator({ clock, analyticsJobDelayMs: 1000 });
    proxy = await startRecordingProxy(emulator.url);
    t = await startTestApp({ clock, emulator, env: { GENESYS_API_URL: proxy.url, AUDIT_POLL_INTERVAL_MS: '1000' } });
  });
  afterEach(async () => {
    await t.close();
    await proxy.close();
    await emulator.close();
  });

  const iso = (at: number) => new Date(at).toISOString();
  const drive = <T>(work: PromiseLike<T>) => clock.drive(Promise.resolve(work), () => t.upstreamInFlight() > 0);
  async function untilState(
    id: string,
    done: (body: Record<string, unknown> & { progress: Record<string, unknown> }) => boolean,
  ) {
    for (;;) {
      const body = (await t.http.get(`/api/verification/audits/${id}`).set(auth).expect(200)).body;
      if (done(body)) return body;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('holds every request body and every answer, of every operation the service uses, to the SDK models', async () => {
    const span = { start: clock.now() - 30 * HOUR, end: clock.now() - 26 * HOUR };
    await generateAuditSample(t.app, emulator, span, { intact: 6, tampered: 6, unsigned: 6, late: 6, legacy: 6 });
    const generated = emulator.control.conversationIds();

    const batch = await drive(
      t.http
        .post('/api/verification/conversations:batch')
        .set(auth)
        .send({ conversationIds: [...generated, '11111111-2222-4333-8444-555555555555'] })
        .expect(200),
    );
    expect(batch.body.results.filter((entry: { report?: unknown }) => entry.report)).toHaveLength(generated.length);

    const sent = await emulator.post('/emulator/webmessaging/messages', {
      deploymentId: emulator.deploymentId,
      message: { type: 'Text', text: 'Hi', channel: { metadata: { customAttributes: { userId: 'usr_1' } } } },
    });
    const { conversationId, messageId } = (await sent.json()) as { conversationId: string; messageId: string };
    await t.http.get(`/api/verification/messages/${messageId}`).set(auth).expect(200);
    await t.http.get('/api/verification/messages/11111111-2222-4333-8444-555555555555').set(auth).expect(404);

    emulator.control.failNext({ route: 'conversations.get', kind: '429', count: 1, retryAfterSeconds: 1 });
    await drive(t.http.get(`/api/verification/conversations/${conversationId}`).set(auth).expect(200));

    const audit = (
      await t.http
        .post('/api/verification/audits')
        .set(auth)
        .send({ since: iso(span.start), until: iso(span.end) })
        .expect(202)
    ).body.id;
    const done = await drive(untilState(audit, (body) => !['queued', 'running'].includes(body.state as string)));
    expect(done.state).toBe('done');

    emulator.control.setAnalyticsJobDelay(10 * 60_000);
    const cancelled = (
      await t.http
        .post('/api/verification/audits')
        .set(auth)
        .send({ since: iso(span.start), until: iso(span.end) })
        .expect(202)
    ).body.id;
    await drive(untilState(cancelled, (body) => body.progress.genesysJobState === 'PENDING'));
    await t.http.delete(`/api/verification/audits/${cancelled}`).set(auth).expect(200);

    const seen = new Set<string>();
    for (const exchange of proxy.exchanges) {
      const operation = operationFor(exchange.method, exchange.path, USED);
      if (!operation)
        throw new Error(
          `the service called ${exchange.method} ${exchange.path}, which is not an operation it is known to use`,
        );
      seen.add(operation.name);
      if (operation.body) expectPlatformModel(JSON.parse(exchange.requestBody), operation.body);
      else expect(exchange.requestBody).toBe('');
      const model = exchange.status >= 400 ? 'ErrorBody' : operation.returns;
      if (model) expectPlatformModel(JSON.parse(exchange.responseBody), model);
      else expect(exchange.responseBody).toBe('');
    }
    expect([...seen].sort()).toEqual(USED.map((operation) => operation.name).sort());
    expect(proxy.exchanges.some((exchange) => exchange.status === 429)).toBe(true);
    expect(proxy.exchanges.some((exchange) => exchange.status === 404)).toBe(true);
  });
});

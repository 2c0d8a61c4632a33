import { spawn, type ChildProcess } from 'node:child_process';
import { startTestEmulator, type TestEmulator } from 'genesys-emulator';
import { AttributeSigner } from '../src/attribute-signature/attribute-signer';
import { sampleAttributeSets } from '../src/development-launcher';
import { genesysSettingsFor } from '../src/development/development-state';
import { compileService, type CompiledService } from './support/compiled-service';
import { freePort } from './support/free-port';
import { redisServerAvailable, startTestRedis, warnRedisMissing, type TestRedis } from './support/redis-server';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, serviceToken } from './support/test-tokens';

const SIGNING_KEYS = 'qa:a-signing-secret-shared-by-every-instance';
const auth = { authorization: `Bearer ${serviceToken(['conversations:verify', 'audits:admin'])}` };
const MIX = { intact: 7, tampered: 2, unsigned: 1 };
/** The verdict each generated kind must get. */
const STATUS_OF_KIND: Record<string, string> = { intact: 'verified', tampered: 'tampered', unsigned: 'unsigned' };

interface RollingView {
  schedule: string;
  auditedUntil?: string;
  current?: { auditId: string; period: { start: string; end: string } };
  windowsAudited: number;
  totals: { conversations: number; byStatus: Record<string, number> };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Conversations keep arriving (10 a second, in MIX's proportions) carrying sets the app signs. */
async function startStream(app: TestApp, emulator: TestEmulator): Promise<void> {
  const now = Date.now();
  const response = await emulator.put('/emulator/admin/conversations/stream', {
    perMinute: 600,
    mix: MIX,
    attributeSets: (await sampleAttributeSets(app.app, now, now + 5 * 60_000)).map((set) => ({
      attributes: set.attributes,
      issuedAt: new Date(set.issuedAt).toISOString(),
      expiresAt: new Date(set.expiresAt).toISOString(),
    })),
    signatureAttribute: app.app.get(AttributeSigner).signatureName,
  });
  expect(response.status).toBe(200);
}

/** Stops the stream: the verdicts every conversation it made must get, and the instant after the last of them. */
async function stopStream(emulator: TestEmulator): Promise<{ expected: Record<string, number>; stoppedAt: number }> {
  const stopped = (await (await emulator.delete('/emulator/admin/conversations/stream')).json()) as {
    generated: Record<string, number>;
  };
  const expected: Record<string, number> = {};
  for (const [kind, count] of Object.entries(stopped.generated)) {
    if (count > 0) expected[STATUS_OF_KIND[kind]] = count;
  }
  return { expected, stoppedAt: Date.now() };
}

/** GET /api/verification/audits/rolling of a process instance (by URL) or an in-process one. */
async function rollingView(instance: string | TestApp): Promise<RollingView> {
  if (typeof instance !== 'string')
    return (await instance.http.get('/api/verification/audits/rolling').set(auth).expect(200)).body as RollingView;
  return (await (await fetch(`${instance}/api/verification/audits/rolling`, { headers: auth })).json()) as RollingView;
}

/** Waits (real time: the schedule is real) until the rolling audit has judged every conversation started before `at`. */
async function auditedPast(instance: string | TestApp, at: number, seconds = 60): Promise<RollingView> {
  for (let attempt = 0; attempt < seconds * 10; attempt += 1) {
    const view = await rollingView(instance);
    if (view.auditedUntil && Date.parse(view.auditedUntil) > at) return view;
    await pause(100);
  }
  throw new Error(`the rolling audit did not pass ${new Date(at).toISOString()}`);
}

/** wm_rolling_audit_conversations_total of one instance, by status. */
async function countedBy(app: TestApp): Promise<Record<string, number>> {
  const text = (await app.http.get('/metrics').expect(200)).text;
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^wm_rolling_audit_conversations_total\{status="(\w+)"\} (\d+)$/gm)) {
    counts[match[1]] = Number(match[2]);
  }
  return counts;
}

const sum = (...counts: Record<string, number>[]) => {
  const total: Record<string, number> = {};
  for (const count of counts) for (const [key, value] of Object.entries(count)) total[key] = (total[key] ?? 0) + value;
  return total;
};

describe('the rolling audit without Redis', () => {
  it('judges every conversation that arrives, window after window, each once', async () => {
    const app = await startTestApp({
      env: {
        ATTRIBUTE_SIGNING_KEYS: SIGNING_KEYS,
        AUDIT_SCHEDULE: '1s',
        AUDIT_POLL_INTERVAL_MS: '200',
        LOG_LEVEL: 'warn',
      },
    });
    try {
      await startStream(app, app.emulator);
      await pause(3500);
      const { expected, stoppedAt } = await stopStream(app.emulator);
      const view = await auditedPast(app, stoppedAt);
      expect(view.totals.byStatus).toEqual(expected);
      expect(view.windowsAudited).toBeGreaterThanOrEqual(2);
      expect(await countedBy(app)).toEqual(expected);
      expect(app.emulator.control.counters().apiCalls['analytics.jobs.create']).toBe(view.windowsAudited);
    } finally {
      await app.close();
    }
  }, 60_000);
});

const withRedis = redisServerAvailable() ? describe : describe.skip;
if (!redisServerAvailable()) warnRedisMissing('Rolling audit (BullMQ job scheduler) tests');

withRedis('the rolling audit on Redis, several instances', () => {
  let redis: TestRedis;
  let emulator: TestEmulator;
  let build: CompiledService;
  let child: ChildProcess | undefined;
  const apps: TestApp[] = [];

  const env = (prefix: string) => ({
    REDIS_URL: redis.url,
    CACHE_KEY_PREFIX: prefix,
    ATTRIBUTE_SIGNING_KEYS: SIGNING_KEYS,
    AUDIT_SCHEDULE: '2s',
    AUDIT_POLL_INTERVAL_MS: '200',
    AUDIT_QUEUE_LOCK_MS: '1000',
    AUDIT_PAGE_SIZE: '20',
    LOG_LEVEL: 'warn',
  });

  // The instance that gets killed is a real process of the compiled service: SIGKILL leaves what a crash leaves.
  beforeAll(() => {
    build = compileService();
  }, 60_000);
  afterAll(() => build.remove());

  beforeEach(async () => {
    redis = (await startTestRedis()) as TestRedis;
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    child = undefined;
    for (const app of apps.splice(0)) await app.close();
    await emulator.close();
    await redis.close();
  });

  async function instance(prefix: string): Promise<TestApp> {
    const app = await startTestApp({ emulator, env: env(prefix) });
    apps.push(app);
    return app;
  }

  it('two instances audit each window once: the totals and their metrics together equal the conversations generated', async () => {
    emulator = await startTestEmulator({ analyticsJobDelayMs: 200 });
    const a = await instance('rolling-two');
    const b = await instance('rolling-two');
    await startStream(a, emulator);
    await pause(7000);
    const { expected, stoppedAt } = await stopStream(emulator);
    const view = await auditedPast(a, stoppedAt);

    expect(view.totals.byStatus).toEqual(expected);
    expect(view.totals.conversations).toBe(Object.values(expected).reduce((total, count) => total + count, 0));
    // Counted by whichever instance completed each window, never by both.
    expect(sum(await countedBy(a), await countedBy(b))).toEqual(expected);
    // One Genesys details job per window: no window audited twice, by one instance or two.
    expect(emulator.control.counters().apiCalls['analytics.jobs.create']).toBe(view.windowsAudited);
    expect(view.windowsAudited).toBeGreaterThanOrEqual(3);
  }, 90_000);

  it('killing the instance that holds the run loses nothing: another takes the window over and counts it once', async () => {
    // Slow jobs, so the run is mid-window when the instance dies.
    emulator = await startTestEmulator({ analyticsJobDelayMs: 1500 });
    const port = await freePort();
    child = spawn(process.execPath, [build.entry('main')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_SECRET: TEST_JWT_SECRET,
        JWT_ISSUER: TEST_JWT_ISSUER,
        JWT_AUDIENCE: TEST_JWT_AUDIENCE,
        ...genesysSettingsFor(emulator),
        ...env('rolling-kill'),
      },
      stdio: 'ignore',
    });
    const first = `http://127.0.0.1:${port}`;
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 400) throw new Error('the instance did not start');
      if (
        await fetch(`${first}/health/live`).then(
          (response) => response.ok,
          () => false,
        )
      )
        break;
      await pause(50);
    }
    // The signer of the sets is an instance of the same deployment (same keys), started after the kill.
    const generator = await startTestApp({
      emulator,
      env: { ATTRIBUTE_SIGNING_KEYS: SIGNING_KEYS, LOG_LEVEL: 'warn' },
    });
    apps.push(generator);
    await startStream(generator, emulator);

    // The only instance holds the run: wait until it has planned a window after the first conversations arrived.
    const streamStart = Date.now();
    let held: RollingView | undefined;
    for (let attempt = 0; attempt < 300 && !held; attempt += 1) {
      const view = await rollingView(first);
      if (view.current && Date.parse(view.current.period.end) > streamStart) held = view;
      else await pause(50);
    }
    expect(held?.current).toBeDefined();
    // ... and its audit is under way there (a Genesys job submitted).
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const audit = (await (
        await fetch(`${first}/api/verification/audits/${held?.current?.auditId}`, { headers: auth })
      ).json()) as { progress: { genesysJobState?: string } };
      if (audit.progress.genesysJobState !== undefined) break;
      await pause(20);
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    child = undefined;

    const survivor = await instance('rolling-kill');
    await pause(3000);
    const { expected, stoppedAt } = await stopStream(emulator);
    const view = await auditedPast(survivor, stoppedAt);
    expect(view.totals.byStatus).toEqual(expected);
    // The window the dead instance held was finished by the survivor, by the same audit (resumed, not started over).
    const resumed = (
      await survivor.http.get(`/api/verification/audits/${held?.current?.auditId}`).set(auth).expect(200)
    ).body;
    expect(resumed).toMatchObject({ state: 'done', progress: { runs: 2 } });
  }, 90_000);
});

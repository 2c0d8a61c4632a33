import { randomUUID } from 'node:crypto';
import { CANARY_EXIT, runCanaryCommand } from '../src/bin/canary-command';
import { CanaryService } from '../src/canary/canary.service';
import { genesysSettingsFor } from '../src/development/development-state';
import { ManualClock } from './support/manual-clock';
import { startTestApp, withEnvironment, type TestApp } from './support/test-app';
import { TEST_JWT_SECRET } from './support/test-tokens';

describe('the canary, against the emulator', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  afterEach(() => t.emulator.control.setDropCustomAttributes(false));

  it('sends a signed set over the Guest API and finds it verified, with timings', async () => {
    const result = await t.app.get(CanaryService).run();
    expect(result).toMatchObject({
      ok: true,
      status: 'verified',
      conversationId: expect.any(String),
      messageId: expect.any(String),
    });
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.sendMs);
    const customer = t.emulator.control
      .conversation(result.conversationId!)!
      .participants.find((participant) => participant.purpose === 'customer')!;
    expect(customer.attributes.userId).toBe(`canary-${result.canaryId}`);
    expect(t.emulator.control.counters().guestSessions).toBeGreaterThanOrEqual(1);
  });

  it('is broken when the platform stops taking custom attributes', async () => {
    t.emulator.control.setDropCustomAttributes(true);
    const result = await t.app.get(CanaryService).run();
    expect(result).toMatchObject({ ok: false, status: 'unsigned' });
    expect(result.hint).toContain('No custom attribute reached this conversation');
  });

  it('is broken, naming the step, when the Guest API refuses the deployment', async () => {
    const other = await startTestApp({ emulator: t.emulator, env: { GENESYS_DEPLOYMENT_ID: randomUUID() } });
    try {
      const result = await other.app.get(CanaryService).run();
      expect(result).toMatchObject({ ok: false, status: 'session_failed' });
      expect(result.problem).toMatch(/^connect: .*400/);
    } finally {
      await other.close();
    }
  });
});

describe('the canary, when the Guest API refuses its message as Genesys does', () => {
  let clock: ManualClock;
  let t: TestApp;
  beforeEach(async () => {
    // Signatures carry real time; the emulator's conversations start on this clock.
    clock = new ManualClock(Date.now());
    t = await startTestApp({ clock });
  });
  afterEach(() => t.close());

  it('waits out a 4029 retryAfter within its time budget and sends the set again: verified', async () => {
    t.emulator.control.failNext({ route: 'guest.onMessage', kind: '429', count: 1, retryAfterSeconds: 3 });
    const started = clock.now();
    const result = await clock.drive(t.app.get(CanaryService).run());
    expect(result).toMatchObject({ ok: true, status: 'verified' });
    expect(clock.now() - started).toBeGreaterThanOrEqual(3000);
    expect(t.emulator.control.counters().guestMessages).toBe(1);
  });

  it('is broken, naming the code and the wait, when the retryAfter is past its time budget', async () => {
    t.emulator.control.failNext({ route: 'guest.onMessage', kind: '429', count: 1, retryAfterSeconds: 3600 });
    const result = await clock.drive(t.app.get(CanaryService).run());
    expect(result).toMatchObject({ ok: false, status: 'session_failed' });
    expect(result.problem).toBe(
      'onMessage: refused (4029): Message rate too high for this session; retry after 3600 s',
    );
  });

  it('names what a refusal code means (5000: unexpected)', async () => {
    t.emulator.control.failNext({ route: 'guest.onMessage', kind: '500', count: 1 });
    const result = await clock.drive(t.app.get(CanaryService).run());
    expect(result.problem).toBe('onMessage: refused (5000, an unexpected error on the platform): Request failed.');
  });
});

describe('npm run canary', () => {
  let t: TestApp;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    t = await startTestApp();
    env = {
      NODE_ENV: 'test',
      REDIS_URL: undefined,
      JWT_SECRET: TEST_JWT_SECRET,
      ATTRIBUTE_SIGNING_KEYS: 'canary:a-signing-secret-for-the-canary-test-run',
      ...genesysSettingsFor(t.emulator),
    };
  });
  afterAll(() => t.close());

  async function run(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await withEnvironment(env, () =>
      runCanaryCommand(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }),
    );
    return { code, stdout, stderr };
  }

  it('prints OK with its timings, exit 0', async () => {
    const result = await run([]);
    expect(result).toMatchObject({ code: CANARY_EXIT.ok, stderr: '' });
    expect(result.stdout).toMatch(
      /^canary [0-9a-f]{8}: OK \(verified\) in \d+ ms\n {2}issue \d+ ms, session \d+ ms, send \d+ ms, verify \d+ ms\n/,
    );
  });

  it('prints BROKEN and exits 1 when the attributes stop arriving; --json is JSON alone', async () => {
    t.emulator.control.setDropCustomAttributes(true);
    try {
      const result = await run(['--json']);
      expect(result.code).toBe(CANARY_EXIT.broken);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, status: 'unsigned' });
    } finally {
      t.emulator.control.setDropCustomAttributes(false);
    }
  });

  it('refuses arguments it does not take, exit 2', async () => {
    expect((await run(['--nope'])).code).toBe(CANARY_EXIT.usage);
  });
});

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestEmulator, type TestEmulator } from 'genesys-emulator';
import { genesysSettingsFor } from '../src/development/development-state';
import { generateAuditSample } from './support/audit-sample';
import { freePort } from './support/free-port';
import { redisServerAvailable, startTestRedis, warnRedisMissing, type TestRedis } from './support/redis-server';
import { startTestApp, type TestApp } from './support/test-app';
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, serviceToken } from './support/test-tokens';

const SIGNING_KEYS = 'qa:a-signing-secret-shared-by-every-instance';
const HOUR = 3_600_000;
const auth = { authorization: `Bearer ${serviceToken(['conversations:verify'])}` };

const withRedis = redisServerAvailable() ? describe : describe.skip;
if (!redisServerAvailable()) warnRedisMissing('Audit queue (BullMQ) tests');

/**
 * The instance that gets killed is a real process (the service compiled as `npm start` compiles
 * it, started as production starts it), so that SIGKILL leaves what a crash leaves: a BullMQ job
 * still claimed, a Genesys job half read, no shutdown hook run.
 */
withRedis('audits on the job queue, with Redis', () => {
  let redis: TestRedis;
  let emulator: TestEmulator;
  let build: string;
  let instance: ChildProcess | undefined;
  let other: TestApp | undefined;

  // Small pages and a slow client-side rate limit, so the audit is mid-way when the instance dies.
  const auditEnv = () => ({
    REDIS_URL: redis.url,
    CACHE_KEY_PREFIX: 'audit-queue-test',
    ATTRIBUTE_SIGNING_KEYS: SIGNING_KEYS,
    AUDIT_PAGE_SIZE: '20',
    AUDIT_POLL_INTERVAL_MS: '200',
    AUDIT_QUEUE_LOCK_MS: '1000',
    GENESYS_RATE_LIMIT_REQUESTS: '4',
    GENESYS_RATE_LIMIT_WINDOW_SECONDS: '1',
  });

  beforeAll(async () => {
    build = mkdtempSync(join(process.cwd(), '.test-build-'));
    execFileSync(
      join('node_modules', '.bin', 'swc'),
      ['src', '-d', build, '--strip-leading-paths', '--ignore', '**/*.spec.ts', '--quiet'],
      { stdio: 'ignore' },
    );
  }, 60_000);
  afterAll(() => rmSync(build, { recursive: true, force: true }));

  beforeEach(async () => {
    redis = (await startTestRedis()) as TestRedis;
    emulator = await startTestEmulator({ analyticsJobDelayMs: 300 });
  });
  afterEach(async () => {
    instance?.kill('SIGKILL');
    await other?.close();
    other = undefined;
    await emulator.close();
    await redis.close();
  });

  async function startInstance(): Promise<string> {
    const port = await freePort();
    const child = spawn(process.execPath, [join(build, 'bin', 'main.js')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        JWT_SECRET: TEST_JWT_SECRET,
        JWT_ISSUER: TEST_JWT_ISSUER,
        JWT_AUDIENCE: TEST_JWT_AUDIENCE,
        ...genesysSettingsFor(emulator),
        ...auditEnv(),
      },
      stdio: 'ignore',
    });
    instance = child;
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 400; attempt += 1) {
      if (child.exitCode !== null) throw new Error(`the instance exited with ${child.exitCode}`);
      const live = await fetch(`${url}/health/live`).then(
        (response) => response.ok,
        () => false,
      );
      if (live) return url;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the instance did not start');
  }

  const read = async (base: string, id: string) =>
    (await (await fetch(`${base}/api/verification/audits/${id}`, { headers: auth })).json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('survives killing the instance that runs it: another resumes from its last page, with the same Genesys job, and counts exactly', async () => {
    const end = Date.now() - 25 * HOUR;
    const span = { start: end - 2 * HOUR, end };
    const generator = await startTestApp({ emulator, env: { ATTRIBUTE_SIGNING_KEYS: SIGNING_KEYS } });
    await generateAuditSample(generator.app, emulator, span, { intact: 380, tampered: 20 });
    await generator.close();
    emulator.control.resetCounters();

    const first = await startInstance();
    const created = await fetch(`${first}/api/verification/audits`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ since: new Date(span.start).toISOString(), until: new Date(span.end).toISOString() }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    for (;;) {
      const audit = await read(first, id);
      if (audit.progress.pagesRead >= 3) break;
      expect(audit.state).not.toBe('done');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    instance?.kill('SIGKILL');
    await new Promise((resolve) => instance?.once('exit', resolve));
    const pagesBeforeKill = (await redisRecord(redis.url, id)).progress.pagesRead;

    other = await startTestApp({ emulator, env: auditEnv() });
    let done: Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (let attempt = 0; attempt < 1500 && !done; attempt += 1) {
      const audit = (await other.http.get(`/api/verification/audits/${id}`).set(auth).expect(200)).body;
      if (audit.state !== 'queued' && audit.state !== 'running') done = audit;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(done).toMatchObject({ state: 'done', progress: { runs: 2, pagesRead: 20, conversationsChecked: 400 } });
    expect(done?.summary.byStatus).toEqual({ verified: 380, tampered: 20 });
    const calls = emulator.control.counters().apiCalls;
    // One Genesys job for the whole audit; at most the page in flight at the kill is read twice.
    expect(calls['analytics.jobs.create']).toBe(1);
    expect(calls['analytics.jobs.results']).toBeGreaterThanOrEqual(20);
    expect(calls['analytics.jobs.results']).toBeLessThanOrEqual(21);
    expect(pagesBeforeKill).toBeGreaterThanOrEqual(3);
    const lines = (await other.http.get(`/api/verification/audits/${id}/results`).set(auth).expect(200)).text
      .trim()
      .split('\n');
    expect(lines).toHaveLength(400);
    expect(new Set(lines.map((line) => JSON.parse(line).conversationId)).size).toBe(400);
  }, 60_000);
});

/** The audit's stored progress, read from Redis as any instance reads it. */
async function redisRecord(url: string, id: string): Promise<{ progress: { pagesRead: number } }> {
  const { createClient } = await import('@redis/client');
  const client = createClient({ url });
  await client.connect();
  try {
    return JSON.parse((await client.get(`audit-queue-test:audit:${id}`)) as string);
  } finally {
    await client.close();
  }
}

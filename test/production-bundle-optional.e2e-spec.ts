import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createClient } from '@redis/client';
import { startTestEmulator, type TestEmulator } from 'genesys-emulator';
import { genesysSettingsFor } from '../src/development/development-state';
import { compileService, type CompiledService } from './support/compiled-service';
import { freePort } from './support/free-port';
import { startJwksServer, type JwksServer, type SigningKey } from './support/jwks-server';
import { redisServerAvailable, startTestRedis, warnRedisMissing, type TestRedis } from './support/redis-server';
import { signWithJwksKey, TEST_JWT_AUDIENCE, TEST_JWT_ISSUER } from './support/test-tokens';

const withRedis = redisServerAvailable() ? describe : describe.skip;
if (!redisServerAvailable()) warnRedisMissing('The production bundle with Redis and JWKS');

const PREFIX = 'bundle-optional-test';

/**
 * The production bundle (dist/bundle/main.js) with everything it loads only when configured: the
 * Redis client and the cache store over it, BullMQ, jwks-rsa. Each is a bundle of its own beside
 * service.js (scripts/bundle-production.mjs), read at its first require.
 */
withRedis('the production bundle, with Redis and keys from a JWKS', () => {
  let build: CompiledService;
  let redis: TestRedis;
  let emulator: TestEmulator;
  let jwks: JwksServer;
  let key: SigningKey;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    build = compileService();
    build.bundle();
    redis = (await startTestRedis()) as TestRedis;
    emulator = await startTestEmulator();
    jwks = await startJwksServer();
    key = jwks.newKey();
    jwks.keys.push(key);
  }, 120_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await jwks.close();
    await emulator.close();
    await redis.close();
    build.remove();
  });

  const token = (claims: Record<string, unknown>) => signWithJwksKey(key, claims);

  it('keeps them out of service.js, in files of their own beside it', () => {
    const beside = join(dirname(build.bundle()), 'optional');
    expect(['redis.js', 'bullmq.js', 'jwks-rsa.js'].filter((name) => !existsSync(join(beside, name)))).toEqual([]);
    const service = readFileSync(join(dirname(build.bundle()), 'service.js'), 'latin1');
    const packages = ['bullmq', 'ioredis', '@redis/client', '@keyv/redis', 'jwks-rsa'];
    expect(packages.filter((name) => service.includes(`node_modules/${name}/`))).toEqual([]);
  });

  it('loads each from its own file when configured, and serves with them: a caller known by the JWKS, the ledger in Redis, an audit on the queue', async () => {
    const port = await freePort();
    let stderr = '';
    child = spawn(process.execPath, ['--max-semi-space-size=8', build.bundle()], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        REDIS_URL: redis.url,
        CACHE_KEY_PREFIX: PREFIX,
        JWT_JWKS_URL: jwks.url,
        JWT_ISSUER: TEST_JWT_ISSUER,
        JWT_AUDIENCE: TEST_JWT_AUDIENCE,
        ATTRIBUTE_SIGNING_KEYS: 'k1:a-signing-secret-of-at-least-32-characters',
        AUDIT_POLL_INTERVAL_MS: '200',
        ...genesysSettingsFor(emulator),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const base = `http://127.0.0.1:${port}`;
    let ready = 0;
    for (let attempt = 0; attempt < 300 && ready !== 200; attempt += 1) {
      if (child.exitCode !== null) throw new Error(`the bundle exited: ${stderr}`);
      ready = await fetch(`${base}/health/ready`).then(
        (response) => response.status,
        () => 0,
      );
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(ready).toBe(200);

    const issued = await fetch(`${base}/api/web-messaging/config`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token({ sub: 'qa-service', scope: 'attributes:issue' })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ userId: 'usr_1001', attributes: { userTier: 'Gold' } }),
    });
    expect(issued.status).toBe(200);
    expect(jwks.fetches).toBeGreaterThan(0);

    const verify = { authorization: `Bearer ${token({ sub: 'qa-service', scope: 'conversations:verify' })}` };
    const until = Date.now();
    const created = await fetch(`${base}/api/verification/audits`, {
      method: 'POST',
      headers: { ...verify, 'content-type': 'application/json' },
      body: JSON.stringify({
        since: new Date(until - 3_600_000).toISOString(),
        until: new Date(until).toISOString(),
      }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    let state = 'queued';
    for (let attempt = 0; attempt < 200 && (state === 'queued' || state === 'running'); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = (
        (await (await fetch(`${base}/api/verification/audits/${id}`, { headers: verify })).json()) as {
          state: string;
        }
      ).state;
    }
    expect(state).toBe('done');

    // The issued set went to Redis (the ledger), and the audit ran as a BullMQ job there.
    const client = createClient({ url: redis.url });
    await client.connect();
    const keys = await client.keys(`${PREFIX}*`);
    await client.close();
    expect(keys.some((name) => name.includes('ledger'))).toBe(true);
    expect(keys.some((name) => name.includes('bull'))).toBe(true);
    expect(stderr).toBe('');
  }, 60_000);
});

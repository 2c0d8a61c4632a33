import { AttributeLedger } from '../src/attribute-signature/attribute-ledger';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { createClient } from '@redis/client';
import { randomUUID } from 'node:crypto';
import { GenesysTokenService } from '../src/genesys/genesys-token.service';
import { startTestEmulator, type TestEmulator } from 'genesys-emulator';
import { GenesysProbeController } from './support/genesys-probe.controller';
import {
  redisServerAvailable,
  startTestRedis,
  warnRedisMissing,
  warnRedisNotLocal,
  type TestRedis,
} from './support/redis-server';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, visitorToken } from './support/test-tokens';

const SEEDED = '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f';
const auth = { Authorization: `Bearer ${visitorToken()}` };

async function startCluster(emulator: TestEmulator, env: Record<string, string | undefined>): Promise<TestApp[]> {
  return Promise.all([0, 1].map(() => startTestApp({ controllers: [GenesysProbeController], emulator, env })));
}

const burst = (app: TestApp, count: number) =>
  Promise.all(Array.from({ length: count }, () => app.http.get(`/probe/conversations/${SEEDED}`).set(auth)));

const withRedis = redisServerAvailable() ? describe : describe.skip;
if (!redisServerAvailable()) warnRedisMissing('Redis-backed shared token tests');

withRedis('two instances sharing one Redis', () => {
  let redis: TestRedis;
  let emulator: TestEmulator;
  let apps: TestApp[] = [];
  let prefix = '';

  beforeEach(async () => {
    const started = await startTestRedis();
    if (!started) throw new Error('Redis was detected but could not be started');
    redis = started;
    // 400 requests inside a minute: above Genesys's default 300 per token, so both limits are raised.
    emulator = await startTestEmulator({ rateLimit: { limit: 1000, windowSeconds: 60 } });
    prefix = `test-${randomUUID()}`;
    apps = await startCluster(emulator, {
      REDIS_URL: redis.url,
      CACHE_KEY_PREFIX: prefix,
      GENESYS_RATE_LIMIT_REQUESTS: '1000',
      // One deployment: the instances sign with the same key.
      ATTRIBUTE_SIGNING_KEYS: `shared:${'s'.repeat(32)}`,
    });
    emulator.control.resetCounters();
  });

  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await emulator.close();
    await redis.close();
  });

  it('make exactly one token request between them for 200 concurrent cold requests each', async () => {
    const responses = (await Promise.all(apps.map((app) => burst(app, 200)))).flat();
    expect(responses.filter((response) => response.status !== 200)).toEqual([]);
    expect(emulator.control.counters().tokenRequests).toBe(1);
  });

  it('write every key under CACHE_KEY_PREFIX: the token, its lock, the rate limit and the ledger', async () => {
    await burst(apps[0], 3);
    await apps[0].http.get('/api/web-messaging/config').set(auth).expect(200);
    await apps[0].app.get(AttributeLedger).flushed();
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      const keys: string[] = [];
      for await (const batch of admin.scanIterator({ MATCH: '*' })) keys.push(...batch);
      expect(keys.length).toBeGreaterThanOrEqual(3);
      expect(keys.filter((key) => !key.startsWith(`${prefix}:`))).toEqual([]);
    } finally {
      await admin.close();
    }
  });

  it('delete the refused token from Redis in one step, and never a fresh one another instance stored', async () => {
    await burst(apps[0], 1);
    const tokens = apps[0].app.get(GenesysTokenService);
    const refused = tokens.peek()!.value;
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      const [tokenKey] = await admin.keys(`${prefix}:genesys:token:*`);
      const storedRefused = (await admin.get(tokenKey))!;
      const storedFresh = storedRefused.replace(refused, 'fresh-from-instance-b');
      // Were the delete a read followed by a delete, instance B's fresh token would land in between.
      const cache = apps[0].app.get<Cache>(CACHE_MANAGER);
      const read = cache.get.bind(cache);
      jest.spyOn(cache, 'get').mockImplementation(async (key: string) => {
        const value = await read(key);
        await admin.set(tokenKey, storedFresh);
        return value;
      });

      await tokens.invalidate(refused);
      const afterwards = await admin.get(tokenKey);
      expect(afterwards === null || afterwards === storedFresh).toBe(true);

      await admin.set(tokenKey, storedFresh);
      await tokens.invalidate(refused);
      expect(await admin.get(tokenKey)).toBe(storedFresh);

      await admin.set(tokenKey, 'not the JSON the store writes');
      await tokens.invalidate(refused);
      expect(await admin.get(tokenKey)).toBe('not the JSON the store writes');

      await admin.set(tokenKey, storedRefused);
      await tokens.invalidate(refused);
      expect(await admin.get(tokenKey)).toBeNull();
    } finally {
      await admin.close();
    }
  });

  it('share one rate limit: 15 lookups over two instances against 10 per minute give 10 answers and 5 immediate 429s', async () => {
    const limited = await startCluster(emulator, {
      REDIS_URL: redis.url,
      CACHE_KEY_PREFIX: `test-${randomUUID()}`,
      GENESYS_RATE_LIMIT_REQUESTS: '10',
      GENESYS_RATE_LIMIT_WINDOW_SECONDS: '60',
    });
    try {
      const responses = [...(await burst(limited[0], 8)), ...(await burst(limited[1], 7))];
      expect(responses.filter((response) => response.status === 200)).toHaveLength(10);
      const refused = responses.filter((response) => response.status === 429);
      expect(refused).toHaveLength(5);
      expect(refused.every((response) => Number(response.headers['retry-after']) >= 59)).toBe(true);
    } finally {
      await Promise.all(limited.map((app) => app.close()));
    }
  });

  /** Issues a config on one instance, sends it through Messenger with userTier changed, and verifies on another. */
  async function tamperedReport(issuer: TestApp, verifier: TestApp) {
    const issued = await issuer.http.get('/api/web-messaging/config').set(auth).expect(200);
    const conversationId = await emulator.sendFirstMessage({ ...issued.body.guestAttributes, userTier: 'Platinum' });
    // The ledger is written to Redis just behind the answer.
    await issuer.app.get(AttributeLedger).flushed();
    const report = await verifier.http
      .get(`/api/verification/conversations/${conversationId}`)
      .set('Authorization', `Bearer ${serviceToken(['conversations:verify'])}`)
      .expect(200);
    return report.body;
  }

  // "issued" comes from the ledger only: the signature says that something changed, not from what.
  const tierChangedFromGold = expect.objectContaining({
    name: 'userTier',
    status: 'mismatch',
    arrived: 'Platinum',
    issued: 'Gold',
  });

  it('share the attribute ledger: a set issued by one is compared attribute by attribute by the other', async () => {
    const report = await tamperedReport(apps[0], apps[1]);
    expect(report.status).toBe('tampered');
    expect(report.attributes).toContainEqual(tierChangedFromGold);
  });

  it('keep one ledger entry per visitor and attribute set: 1,000 identical issues leave one, a changed set adds one', async () => {
    const ledgerKeys = async () => {
      const admin = createClient({ url: redis.url });
      await admin.connect();
      try {
        const keys: string[] = [];
        for await (const batch of admin.scanIterator({ MATCH: `${prefix}:ledger:*` })) keys.push(...batch);
        return keys;
      } finally {
        await admin.close();
      }
    };
    for (let round = 0; round < 10; round += 1) {
      const responses = await Promise.all(
        Array.from({ length: 100 }, () => apps[round % 2].http.get('/api/web-messaging/config').set(auth)),
      );
      expect(responses.filter((response) => response.status !== 200)).toEqual([]);
    }
    await Promise.all(apps.map((app) => app.app.get(AttributeLedger).flushed()));
    expect(await ledgerKeys()).toHaveLength(1);
    const otherTier = { Authorization: `Bearer ${visitorToken({ tier: 'Silver' })}` };
    await apps[0].http.get('/api/web-messaging/config').set(otherTier).expect(200);
    await apps[0].app.get(AttributeLedger).flushed();
    expect(await ledgerKeys()).toHaveLength(2);
  });

  it('report the Redis store as up on readiness', async () => {
    const ready = await apps[0].http.get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.details.cacheStore).toEqual({ status: 'up', store: 'redis' });
  });

  it('pay the Redis command timeout a few times, not once per request, while Redis is stalled, and report themselves degraded', async () => {
    if (!redis.pause) {
      warnRedisNotLocal('stalled-Redis');
      return;
    }
    await apps[0].http.get('/api/web-messaging/config').set(auth).expect(200);
    redis.pause();
    try {
      const durations: number[] = [];
      for (let request = 0; request < 20; request += 1) {
        const started = Date.now();
        await apps[0].http.get('/api/web-messaging/config').set(auth).expect(200);
        durations.push(Date.now() - started);
      }
      // The command timeout is 500 ms: before the circuit opened, every request of the 20 waited it out.
      expect(durations.filter((ms) => ms >= 400).length).toBeLessThanOrEqual(3);
      const ready = await apps[0].http.get('/health/ready').expect(200);
      expect(ready.body.details.cacheStore).toMatchObject({ status: 'degraded', store: 'redis' });
    } finally {
      redis.resume?.();
    }
  });

  it('report the store degraded when Redis answers PING but refuses writes (maxmemory with noeviction)', async () => {
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      await admin.configSet({ maxmemory: '1', 'maxmemory-policy': 'noeviction' });
      await apps[0].http.get('/api/web-messaging/config').set(auth).expect(200);
      // The ledger's write, which Redis refuses, goes out just behind the answer.
      await apps[0].app.get(AttributeLedger).flushed();
      const ready = await apps[0].http.get('/health/ready').expect(200);
      expect(ready.body.details.cacheStore).toMatchObject({
        status: 'degraded',
        store: 'redis',
        message: expect.stringContaining('OOM'),
      });
    } finally {
      await admin.configSet({ maxmemory: '0' });
      await admin.close();
    }
  });

  it('keep serving when Redis dies mid-test, and report themselves degraded', async () => {
    if (!redis.kill) {
      warnRedisNotLocal('kill-Redis');
      return;
    }
    await burst(apps[0], 5);
    await redis.kill();
    const responses = (await Promise.all(apps.map((app) => burst(app, 20)))).flat();
    expect(responses.filter((response) => response.status !== 200)).toEqual([]);
    const ready = await apps[1].http.get('/health/ready').expect(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.details.cacheStore).toMatchObject({ status: 'degraded', store: 'redis' });

    emulator.control.revokeAllTokens();
    const afterRevocation = await burst(apps[0], 3);
    expect(afterRevocation.map((response) => response.status)).toEqual([200, 200, 200]);

    // The ledger falls back to the instance's memory: issuing works, and the same instance still compares.
    const report = await tamperedReport(apps[0], apps[0]);
    expect(report.attributes).toContainEqual(tierChangedFromGold);
  });
});

describe('two instances on the in-memory store', () => {
  it('make one token request each', async () => {
    const emulator = await startTestEmulator();
    const apps = await startCluster(emulator, { REDIS_URL: undefined });
    try {
      emulator.control.resetCounters();
      await Promise.all(apps.map((app) => burst(app, 100)));
      expect(emulator.control.counters().tokenRequests).toBe(2);
      const ready = await apps[0].http.get('/health/ready').expect(200);
      expect(ready.body.details.cacheStore).toEqual({ status: 'up', store: 'memory' });
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await emulator.close();
    }
  });
});

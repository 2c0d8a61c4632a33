import { RedisOutage } from './redis-outage';
import type { Cache } from '@nestjs/cache-manager';
import { Logger } from '@nestjs/common';
import type { RedisConnection } from './redis-connection';
import { ServiceMetrics } from '../metrics/service-metrics';
import { SharedStateStore } from './shared-state.store';

/** A connection whose readiness the test sets; commands run as given (the real one adds its timeout and breaker). */
function connection(ready: boolean) {
  const fake = {
    client: { isReady: ready },
    configured: true,
    key: (name: string) => `p:${name}`,
    run: <T>(command: () => Promise<T>) => command(),
  };
  return fake as unknown as RedisConnection & { client: { isReady: boolean } };
}

const unusedCache = {} as Cache;
const fail = (message: string) => () => Promise.reject(new Error(message));

describe('SharedStateStore.either', () => {
  let warnings: string[];
  let notes: string[];
  beforeEach(() => {
    warnings = [];
    notes = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void notes.push(String(message)));
  });
  afterEach(() => jest.restoreAllMocks());

  it('runs on Redis while it answers', async () => {
    const store = new SharedStateStore(
      connection(true),
      unusedCache,
      new ServiceMetrics(),
      new RedisOutage(new Logger('Redis')),
    );
    expect(
      await store.either(
        'ledger write',
        async () => 'redis',
        () => 'memory',
      ),
    ).toBe('redis');
    expect(warnings).toEqual([]);
  });

  it('runs in memory, without trying Redis or warning, when REDIS_URL is unset or the connection is not ready', async () => {
    const unset = { client: undefined, configured: false, key: (name: string) => name } as unknown as RedisConnection;
    const onRedis = jest.fn(async () => 'redis');
    expect(
      await new SharedStateStore(unset, unusedCache, new ServiceMetrics(), new RedisOutage(new Logger('Redis'))).either(
        'lock',
        onRedis,
        () => 'memory',
      ),
    ).toBe('memory');
    expect(
      await new SharedStateStore(
        connection(false),
        unusedCache,
        new ServiceMetrics(),
        new RedisOutage(new Logger('Redis')),
      ).either('lock', onRedis, () => 'memory'),
    ).toBe('memory');
    expect(onRedis).not.toHaveBeenCalled();
    expect(warnings).toEqual([]);
  });

  it('falls back to memory when a command fails, warning once per outage whichever caller meets it', async () => {
    const store = new SharedStateStore(
      connection(true),
      unusedCache,
      new ServiceMetrics(),
      new RedisOutage(new Logger('Redis')),
    );
    expect(await store.either('ledger write', fail('OOM command not allowed'), () => 'memory')).toBe('memory');
    expect(await store.either('rate limit', fail('timed out after 500 ms'), () => 'memory')).toBe('memory');
    expect(await store.either('cache read', fail('timed out after 500 ms'), () => 'memory')).toBe('memory');
    expect(warnings).toEqual([
      'Redis unavailable (ledger write: OOM command not allowed); each instance uses its own memory until it answers, and says so here then',
    ]);

    await store.either(
      'ledger write',
      async () => 'OK',
      () => 'memory',
    );
    expect(notes).toEqual(['Redis answers again; state is shared again']);
    await store.either('lock', fail('connection reset'), () => 'memory');
    expect(warnings).toHaveLength(2);
  });
});

describe('SharedStateStore without Redis', () => {
  const entries = new Map<string, unknown>();
  const cache = {
    get: async (key: string) => entries.get(key),
    set: async (key: string, value: unknown) => entries.set(key, value),
    del: async (key: string) => entries.delete(key),
  } as unknown as Cache;
  const unset = {
    client: undefined,
    configured: false,
    key: (name: string) => `p:${name}`,
  } as unknown as RedisConnection;
  const store = new SharedStateStore(unset, cache, new ServiceMetrics(), new RedisOutage(new Logger('Redis')));

  it('reads and writes the memory cache store', async () => {
    await store.write('k', { value: 'a' }, 1000);
    expect(await store.read('k')).toEqual({ value: 'a' });
  });

  it('deletes an entry only while its field still holds the given value', async () => {
    await store.write('token', { value: 'fresh' }, 1000);
    await store.deleteIf('token', 'value', 'refused');
    expect(await store.read('token')).toEqual({ value: 'fresh' });
    await store.deleteIf('token', 'value', 'fresh');
    expect(await store.read('token')).toBeUndefined();
  });

  it('has no cluster lock to give: the caller coordinates within its process', async () => {
    expect(await store.tryLock('genesys-token', 1000)).toEqual({ outcome: 'unavailable' });
  });

  it('keys everything under the prefix', () => {
    expect(store.key('ledger:n')).toBe('p:ledger:n');
  });
});

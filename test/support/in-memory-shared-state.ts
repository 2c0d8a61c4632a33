import { RedisOutage } from '../../src/cache-store/redis-outage';
import type { Cache } from '@nestjs/cache-manager';
import type { RedisConnection } from '../../src/cache-store/redis-connection';
import { SharedStateStore } from '../../src/cache-store/shared-state.store';
import { ServiceMetrics } from '../../src/metrics/service-metrics';

/** No REDIS_URL: the connection a service without Redis has. */
const NO_REDIS = {
  client: undefined,
  configured: false,
  key: (name: string) => `test:${name}`,
} as unknown as RedisConnection;

/** A map as the cache store, for specs that do not look at it. */
function mapCache(): Cache {
  const entries = new Map<string, unknown>();
  return {
    get: async (key: string) => entries.get(key),
    set: async (key: string, value: unknown) => entries.set(key, value) && value,
    del: async (key: string) => entries.delete(key),
  } as unknown as Cache;
}

/** The shared-state store of a service without Redis, over the given cache store (a map by default). */
export function inMemorySharedState(cache: Cache = mapCache()): SharedStateStore {
  return new SharedStateStore(
    NO_REDIS,
    cache,
    new ServiceMetrics(),
    new RedisOutage({ warn: () => undefined, log: () => undefined }),
  );
}

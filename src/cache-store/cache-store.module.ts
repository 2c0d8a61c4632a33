import { KeyvCacheableMemory } from 'cacheable';
import { CacheModule, type CacheOptions } from '@nestjs/cache-manager';
import { Global, Logger, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { cacheStoreConfig } from './cache-store.config';
import { TerminusModule } from '@nestjs/terminus';
import { CacheStoreHealthIndicator } from './cache-store.health';
import { RedisConnection } from './redis-connection';
import { RedisModule } from './redis.module';
import { SharedStateStore } from './shared-state.store';
import { WorkQueues } from './work-queue';

const logger = new Logger('CacheStore');

/** The in-memory store holds a handful of entries (the Genesys token); the bound is a safety net. */
const MEMORY_STORE_MAX_ENTRIES = 1_000;

/**
 * Shared state: the cache store behind CACHE_MANAGER (in-memory by default, Redis through
 * @keyv/redis on the one connection when REDIS_URL is set), reached by the rest of the service
 * only through SharedStateStore.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forFeature(cacheStoreConfig),
    RedisModule,
    TerminusModule,
    CacheModule.registerAsync({
      imports: [RedisModule],
      inject: [RedisConnection],
      useFactory: async (redis: RedisConnection): Promise<CacheOptions> => {
        if (!redis.client)
          return { stores: [new KeyvCacheableMemory({ lruSize: MEMORY_STORE_MAX_ENTRIES, useClone: false })] };
        // Loaded only with Redis, as the client is (RedisModule).
        const { default: KeyvRedis } = await import('@keyv/redis');
        const store = new KeyvRedis(redis.client, { throwOnConnectError: false, throwOnErrors: false });
        // cache-manager reads a store error as a miss; SharedStateStore sees outages as a connection not ready or a
        // command
        // past its timeout, and warns once. The store's own events would repeat them per request.
        store.on('error', (error: Error) => logger.debug(`Cache store: ${error.message}`));
        return { stores: [store] };
      },
    }),
  ],
  providers: [CacheStoreHealthIndicator, SharedStateStore, WorkQueues],
  exports: [SharedStateStore, CacheStoreHealthIndicator, WorkQueues],
})
export class CacheStoreModule {}

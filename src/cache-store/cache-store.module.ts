import { KeyvCacheableMemory } from 'cacheable';
import KeyvRedis from '@keyv/redis';
import { CacheModule, type CacheOptions } from '@nestjs/cache-manager';
import { Global, Logger, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CacheStoreHealthIndicator } from './cache-store.health';
import { RedisConnection } from './redis-connection';
import { RedisModule } from './redis.module';

const logger = new Logger('CacheStore');

/** The in-memory store holds a handful of entries (the Genesys token); the bound is a safety net. */
const MEMORY_STORE_MAX_ENTRIES = 1_000;

/**
 * The cache store behind CACHE_MANAGER: in-memory by default, Redis (through @keyv/redis, on the
 * shared connection) when REDIS_URL is set. Store errors are logged and read as cache misses.
 */
@Global()
@Module({
  imports: [
    RedisModule,
    TerminusModule,
    CacheModule.registerAsync({
      imports: [RedisModule],
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection): CacheOptions => {
        if (!redis.client) return { stores: [new KeyvCacheableMemory({ lruSize: MEMORY_STORE_MAX_ENTRIES, useClone: false })] };
        const store = new KeyvRedis(redis.client, { throwOnConnectError: false, throwOnErrors: false });
        store.on('error', (error: Error) => logger.warn(`Cache store: ${error.message}`));
        return { stores: [store] };
      },
    }),
  ],
  providers: [CacheStoreHealthIndicator],
  exports: [RedisModule, CacheModule, CacheStoreHealthIndicator],
})
export class CacheStoreModule {}

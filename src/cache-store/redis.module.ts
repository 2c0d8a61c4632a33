import { Logger, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CLOCK, type Clock } from '../clock/clock';
import { ServiceMetrics } from '../metrics/service-metrics';
import { cacheStoreConfig, type CacheStoreConfig } from './cache-store.config';
import { RedisConnection } from './redis-connection';
import { RedisOutage } from './redis-outage';

/** The one Redis connection (REDIS_URL), its command timeout and circuit breaker, and the outage warnings. */
@Module({
  imports: [ConfigModule.forFeature(cacheStoreConfig)],
  providers: [
    {
      provide: RedisConnection,
      inject: [cacheStoreConfig.KEY, ServiceMetrics, RedisOutage, CLOCK],
      // @redis/client is loaded only with REDIS_URL: a service without Redis never holds its command tables (about
      // 4 MB of heap; BENCHMARKS.md "Start-up").
      useFactory: async (config: CacheStoreConfig, metrics: ServiceMetrics, outage: RedisOutage, clock: Clock) =>
        new RedisConnection(
          config,
          metrics,
          outage,
          clock,
          config.redisUrl ? (await import('@redis/client')).createClient : undefined,
        ),
    },
    { provide: RedisOutage, useFactory: () => new RedisOutage(new Logger('Redis')) },
  ],
  exports: [RedisConnection, RedisOutage],
})
export class RedisModule {}

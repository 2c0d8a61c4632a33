import { Logger, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { cacheStoreConfig } from './cache-store.config';
import { RedisConnection } from './redis-connection';
import { RedisOutage } from './redis-outage';

/** The one Redis connection (REDIS_URL), its command timeout and circuit breaker, and the outage warnings. */
@Module({
  imports: [ConfigModule.forFeature(cacheStoreConfig)],
  providers: [RedisConnection, { provide: RedisOutage, useFactory: () => new RedisOutage(new Logger('Redis')) }],
  exports: [RedisConnection, RedisOutage],
})
export class RedisModule {}

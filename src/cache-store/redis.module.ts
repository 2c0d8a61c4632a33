import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { cacheStoreConfig } from './cache-store.config';
import { RedisConnection } from './redis-connection';
import { RedisLock } from './redis-lock';

@Module({
  imports: [ConfigModule.forFeature(cacheStoreConfig)],
  providers: [RedisConnection, RedisLock],
  exports: [RedisConnection, RedisLock],
})
export class RedisModule {}

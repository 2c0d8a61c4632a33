import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { cacheStoreConfig } from './cache-store.config';
import { RedisConnection } from './redis-connection';

@Module({
  imports: [ConfigModule.forFeature(cacheStoreConfig)],
  providers: [RedisConnection],
  exports: [RedisConnection],
})
export class RedisModule {}

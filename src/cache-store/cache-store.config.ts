import { registerAs, type ConfigType } from '@nestjs/config';
import { IsOptional, Matches } from 'class-validator';
import { readEnvironment } from '../config/environment';

export class CacheStoreEnvironment {
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, {
    message: 'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
  })
  REDIS_URL?: string;

  @IsOptional()
  @Matches(/^[\w.:-]{1,64}$/, { message: 'CACHE_KEY_PREFIX must be 1-64 letters, digits, ".", ":", "_" or "-"' })
  CACHE_KEY_PREFIX = 'wm-gateway';
}

export const cacheStoreConfig = registerAs('cacheStore', () => {
  const env = readEnvironment(CacheStoreEnvironment);
  return { redisUrl: env.REDIS_URL, keyPrefix: env.CACHE_KEY_PREFIX };
});

export type CacheStoreConfig = ConfigType<typeof cacheStoreConfig>;

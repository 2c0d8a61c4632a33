import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { RedisConnection } from './redis-connection';

/** `up` on the in-memory store or a Redis that answers PING; `degraded` when Redis is configured but not answering. */
@Injectable()
export class CacheStoreHealthIndicator {
  constructor(
    private readonly redis: RedisConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check('cacheStore');
    if (!this.redis.configured) return indicator.up({ store: 'memory' });
    return (await this.redis.ping())
      ? indicator.up({ store: 'redis' })
      : indicator.degraded({ store: 'redis', message: 'Redis is not answering; each instance is using its own in-memory state' });
  }
}

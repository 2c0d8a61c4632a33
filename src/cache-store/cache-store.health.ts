import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { RedisConnection } from './redis-connection';

/**
 * `up` on the in-memory store or a Redis that answers; `degraded` when Redis is configured but not answering, or a
 * command failed in the last 30 s.
 */
@Injectable()
export class CacheStoreHealthIndicator {
  constructor(
    private readonly redis: RedisConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check('cacheStore');
    if (!this.redis.configured) return indicator.up({ store: 'memory' });
    if (!(await this.redis.ping())) {
      return indicator.degraded({
        store: 'redis',
        message: 'Redis is not answering; each instance is using its own in-memory state',
      });
    }
    // PING answering is not enough: a Redis at maxmemory with noeviction answers PING and refuses every write.
    const failure = this.redis.recentFailure;
    return failure
      ? indicator.degraded({ store: 'redis', message: `${failure}; falling back to in-memory state` })
      : indicator.up({ store: 'redis' });
  }
}

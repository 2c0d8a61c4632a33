import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterQueue, RateLimiterRedis } from 'rate-limiter-flexible';
import { RedisConnection } from '../cache-store/redis-connection';
import { genesysConfig, type GenesysConfig } from './genesys.config';

/** Requests waiting for a slot beyond this are refused rather than queued without end. */
const MAX_QUEUED_REQUESTS = 5000;

/**
 * Keeps this service under Genesys Cloud's per-token rate limit, so that a burst waits its turn
 * instead of provoking 429s. Genesys counts per token and every instance shares one token, so with
 * Redis the budget is shared across instances (falling back to a per-instance budget while Redis
 * is down); without Redis it is per instance.
 */
@Injectable()
export class GenesysRateLimiter {
  private readonly queue: RateLimiterQueue;
  private readonly key: string;

  constructor(@Inject(genesysConfig.KEY) config: GenesysConfig, redis: RedisConnection) {
    const { requests, windowSeconds } = config.rateLimit;
    const memory = new RateLimiterMemory({ points: requests, duration: windowSeconds });
    const limiter = redis.client
      ? new RateLimiterRedis({
          storeClient: redis.client,
          useRedisPackage: true,
          keyPrefix: redis.key('genesys-rate'),
          points: requests,
          duration: windowSeconds,
          insuranceLimiter: memory,
        })
      : memory;
    this.queue = new RateLimiterQueue(limiter, { maxQueueSize: MAX_QUEUED_REQUESTS });
    this.key = config.clientId ?? 'sandbox';
  }

  /** Resolves when a request may go out; rejects when the queue is full. */
  async acquire(): Promise<void> {
    await this.queue.removeTokens(1, this.key);
  }
}

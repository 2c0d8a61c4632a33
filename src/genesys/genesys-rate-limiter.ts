import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { REDIS_COMMAND_TIMEOUT_MS, RedisConnection, withTimeout } from '../cache-store/redis-connection';
import { genesysConfig, type GenesysConfig } from './genesys.config';
import { UpstreamErrors } from './upstream-errors';

/** Requests waiting for a slot beyond this are refused rather than queued without end. */
const MAX_WAITING_REQUESTS = 5000;

/**
 * Sliding window log in a sorted set: admits a request when fewer than `limit` were admitted in
 * the last `window` ms (by Redis's clock, so instances agree), else answers how long to wait.
 */
const ADMIT_SCRIPT = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], nowMs, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - nowMs)`;

/**
 * Keeps this service under Genesys Cloud's per-token rate limit, so a burst waits its turn
 * instead of provoking 429s. Genesys counts per token in fixed windows whose start we cannot
 * see, so the limit is enforced over every sliding window (never more than the limit in any
 * window-long span, which no alignment of Genesys's windows can exceed), with a small margin for
 * network delay. Every instance shares one token, so with Redis the log is shared; while Redis is
 * down, and without it, each instance keeps its own.
 */
@Injectable()
export class GenesysRateLimiter {
  private readonly logger = new Logger(GenesysRateLimiter.name);
  private readonly local: number[] = [];
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly key: string;
  private waiting = 0;
  private sequence = 0;

  constructor(
    @Inject(genesysConfig.KEY) config: GenesysConfig,
    private readonly redis: RedisConnection,
  ) {
    this.limit = config.rateLimit.requests;
    const windowMs = config.rateLimit.windowSeconds * 1000;
    this.windowMs = windowMs + Math.min(1000, Math.max(20, windowMs * 0.02));
    this.key = redis.key(`genesys-rate:${config.clientId ?? 'sandbox'}`);
  }

  /** Resolves when a request may go out; refuses when too many are already waiting. */
  async acquire(): Promise<void> {
    if (this.waiting >= MAX_WAITING_REQUESTS) throw UpstreamErrors.rateLimited(Math.ceil(this.windowMs / 1000));
    this.waiting += 1;
    try {
      for (;;) {
        const waitMs = await this.admit();
        if (waitMs === 0) return;
        // A little jitter, so waiters released by the same expiry do not all return at once.
        await sleep(waitMs + Math.random() * 10);
      }
    } finally {
      this.waiting -= 1;
    }
  }

  private async admit(): Promise<number> {
    const client = this.redis.client;
    if (client?.isReady) {
      try {
        const member = `${process.pid}:${Date.now()}:${(this.sequence += 1)}`;
        const result = await withTimeout(
          client.eval(ADMIT_SCRIPT, { keys: [this.key], arguments: [String(this.windowMs), String(this.limit), member] }),
          REDIS_COMMAND_TIMEOUT_MS,
        );
        return Number(result);
      } catch (error) {
        this.logger.warn(`Shared rate limit unavailable (${(error as Error).message}); limiting this instance alone`);
      }
    }
    return this.admitLocally();
  }

  private admitLocally(): number {
    const now = Date.now();
    while (this.local.length > 0 && this.local[0] <= now - this.windowMs) this.local.shift();
    if (this.local.length < this.limit) {
      this.local.push(now);
      return 0;
    }
    return Math.max(1, this.local[0] + this.windowMs - now);
  }
}

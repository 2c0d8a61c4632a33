import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RedisConnection } from './redis-connection';

/** Deletes the lock only while it still holds our owner value (a late release never frees someone else's lock). */
const RELEASE_IF_OWNER = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export type LockAttempt =
  | { outcome: 'acquired'; release: () => Promise<void> }
  | { outcome: 'busy' }
  /** No Redis, or Redis not answering: the caller coordinates within its own process only. */
  | { outcome: 'unavailable' };

/**
 * A short-lived Redis lock (SET NX PX with a random owner value). The lock libraries on npm
 * need ioredis; this uses the node-redis connection the cache store already holds.
 */
@Injectable()
export class RedisLock {
  constructor(private readonly redis: RedisConnection) {}

  async tryAcquire(name: string, ttlMs: number): Promise<LockAttempt> {
    const client = this.redis.client;
    if (!client?.isReady) return { outcome: 'unavailable' };
    const key = this.redis.key(`lock:${name}`);
    const owner = randomUUID();
    try {
      const set = await this.redis.run(() => client.set(key, owner, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } }));
      if (set !== 'OK') return { outcome: 'busy' };
    } catch {
      return { outcome: 'unavailable' };
    }
    return {
      outcome: 'acquired',
      release: async () => {
        try {
          await this.redis.run(() => client.eval(RELEASE_IF_OWNER, { keys: [key], arguments: [owner] }));
        } catch {
          // The lock expires on its own after ttlMs.
        }
      },
    };
  }
}

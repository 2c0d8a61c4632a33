import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { RedisClientType } from '@redis/client';
import { randomUUID } from 'node:crypto';
import { ServiceMetrics } from '../metrics/service-metrics';
import { RedisConnection } from './redis-connection';
import { RedisOutage } from './redis-outage';

/** Deletes the lock only while it still holds our owner value (a late release never frees someone else's lock). */
const RELEASE_IF_OWNER = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * Deletes a cache entry only while the named field of its value equals ARGV[2], checked and
 * deleted in one step. Reads the JSON the cache store (@keyv/redis) writes: {"value": ..., "expires": ms}.
 */
const DELETE_CACHED_IF = `
local stored = redis.call("get", KEYS[1])
if not stored then return 0 end
local ok, entry = pcall(cjson.decode, stored)
if ok and type(entry) == "table" and type(entry.value) == "table" and entry.value[ARGV[1]] == ARGV[2] then
  return redis.call("del", KEYS[1])
end
return 0`;

/** Redis is configured but does not answer, for state that must not split between instances. */
export class SharedStateUnavailableError extends Error {}

export type LockAttempt =
  | { outcome: 'acquired'; release: () => Promise<void> }
  | { outcome: 'busy' }
  /** No Redis, or Redis not answering: the caller coordinates within its own process only. */
  | { outcome: 'unavailable' };

/**
 * The one way to state shared between instances: the cache store (CACHE_MANAGER: Redis through
 * @keyv/redis when REDIS_URL is set, else memory), scripts and locks on the Redis connection.
 * It decides where each operation runs: on Redis while it is configured and answering (every
 * command under the connection's timeout and circuit breaker), else on the caller's in-memory
 * fallback; its failures count towards the one warning per outage (RedisOutage).
 */
@Injectable()
export class SharedStateStore {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly metrics: ServiceMetrics,
    private readonly outage: RedisOutage,
  ) {}

  /** Whether state is shared at all (REDIS_URL set), whether or not Redis answers right now. */
  get shared(): boolean {
    return this.redis.configured;
  }

  /** Namespaces a key with CACHE_KEY_PREFIX, so instances of one deployment share it and others do not. */
  key(name: string): string {
    return this.redis.key(name);
  }

  /**
   * `onRedis` when Redis is configured and connected, `locally` when it is not, or when the
   * command fails, stalls past the timeout, or the circuit is open.
   */
  async either<T>(
    purpose: string,
    onRedis: (client: RedisClientType) => Promise<T>,
    locally: () => T | Promise<T>,
  ): Promise<T> {
    const client = this.redis.client;
    if (!client?.isReady) return locally();
    let result: T;
    try {
      result = await this.redis.run(() => onRedis(client));
    } catch (error) {
      this.metrics.sharedStateFallbacks.inc({ purpose });
      this.outage.failed(purpose, error as Error);
      return locally();
    }
    this.outage.answered();
    return result;
  }

  /**
   * For state every instance must see the same (audits): on Redis, never a local fallback, so a
   * Redis that does not answer is a SharedStateUnavailableError for the caller to report.
   */
  async required<T>(purpose: string, onRedis: (client: RedisClientType) => Promise<T>): Promise<T> {
    const client = this.redis.client;
    if (!client?.isReady) throw new SharedStateUnavailableError(`Redis is not connected (${purpose})`);
    try {
      const result = await this.redis.run(() => onRedis(client));
      this.outage.answered();
      return result;
    } catch (error) {
      this.outage.failed(purpose, error as Error);
      throw new SharedStateUnavailableError(`Redis did not answer (${purpose}): ${(error as Error).message}`);
    }
  }

  /** A cache entry, or undefined when there is none or the store does not answer. */
  async read<T>(key: string): Promise<T | undefined> {
    if (!this.shared) return this.cache.get<T>(key);
    return this.either(
      'cache read',
      async () => this.cache.get<T>(key),
      () => undefined,
    );
  }

  /** Best effort: a write the store does not take is dropped (the caller keeps its own copy). */
  async write<T>(key: string, value: T, ttlMs: number): Promise<void> {
    if (!this.shared) {
      await this.cache.set(key, value, ttlMs);
      return;
    }
    await this.either(
      'cache write',
      async () => void (await this.cache.set(key, value, ttlMs)),
      () => undefined,
    );
  }

  /** Deletes a cache entry whose `field` is `equals`, atomically on Redis; an entry replaced meanwhile survives. */
  async deleteIf(key: string, field: string, equals: string): Promise<void> {
    if (this.shared) {
      await this.either(
        'cache delete',
        (client) => client.eval(DELETE_CACHED_IF, { keys: [key], arguments: [field, equals] }),
        () => undefined,
      );
      return;
    }
    // The memory store belongs to this process, so nothing can write between the read and the delete.
    const stored = await this.cache.get<Record<string, unknown>>(key);
    if (stored?.[field] === equals) await this.cache.del(key);
  }

  /** A short-lived cluster-wide lock (SET NX PX with a random owner value). */
  async tryLock(name: string, ttlMs: number): Promise<LockAttempt> {
    const key = this.key(`lock:${name}`);
    const owner = randomUUID();
    const set = await this.either<'OK' | null | 'unavailable'>(
      'lock',
      (client) =>
        client.set(key, owner, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } }) as Promise<'OK' | null>,
      () => 'unavailable',
    );
    if (set === 'unavailable') return { outcome: 'unavailable' };
    if (set !== 'OK') return { outcome: 'busy' };
    return {
      outcome: 'acquired',
      // A release that does not reach Redis is harmless: the lock expires on its own after ttlMs.
      release: () =>
        this.either(
          'lock release',
          (client) => client.eval(RELEASE_IF_OWNER, { keys: [key], arguments: [owner] }),
          () => undefined,
        ).then(() => undefined),
    };
  }
}

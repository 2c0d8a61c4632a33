import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type RedisClientType } from '@redis/client';
import { cacheStoreConfig, type CacheStoreConfig } from './cache-store.config';

/** How long start-up waits for Redis before going on without it. */
const STARTUP_CONNECT_WAIT_MS = 2000;

/** How long a Redis command may take before the caller treats Redis as unavailable. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;

/**
 * The one Redis connection of the process, shared by the cache store, the token lock and the
 * rate limiter. Commands fail at once while disconnected (no offline queue), so a Redis outage
 * degrades the service to per-instance state instead of stalling requests.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  readonly client: RedisClientType | undefined;

  constructor(@Inject(cacheStoreConfig.KEY) private readonly config: CacheStoreConfig) {
    this.client = config.redisUrl
      ? createClient({
          url: config.redisUrl,
          disableOfflineQueue: true,
          socket: {
            connectTimeout: 2000,
            reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000),
          },
        })
      : undefined;
    this.client?.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  get ready(): boolean {
    return this.client?.isReady ?? false;
  }

  /** Namespaces a key with CACHE_KEY_PREFIX, so instances of one deployment share it and others do not. */
  key(name: string): string {
    return `${this.config.keyPrefix}:${name}`;
  }

  async onModuleInit(): Promise<void> {
    if (!this.client) return;
    const connected = this.client.connect().then(
      () => true,
      (error: Error) => {
        this.logger.warn(`Redis connection failed: ${error.message}`);
        return false;
      },
    );
    // Wait briefly so a healthy Redis is in use from the first request; with Redis down the
    // client keeps reconnecting in the background, the service starts on in-memory state, and
    // readiness reports the store as degraded.
    const ready = await Promise.race([connected, sleep(STARTUP_CONNECT_WAIT_MS).then(() => false)]);
    if (!ready) this.logger.warn('Redis is not answering; starting on in-memory state');
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.client?.isOpen) return;
    if (this.client.isReady) await this.client.close();
    else this.client.destroy();
  }

  /** PING with a deadline; false when Redis is not configured, down or slow. */
  async ping(): Promise<boolean> {
    if (!this.client?.isReady) return false;
    try {
      return (await withTimeout(this.client.ping(), REDIS_COMMAND_TIMEOUT_MS)) === 'PONG';
    } catch {
      return false;
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

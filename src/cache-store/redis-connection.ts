import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { RedisClientType, createClient } from '@redis/client';
import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import type { Clock } from '../clock/clock';
import { withTimeout } from '../clock/with-timeout';
import type { ServiceMetrics } from '../metrics/service-metrics';
import type { CacheStoreConfig } from './cache-store.config';
import type { RedisOutage } from './redis-outage';

/** How long a connection attempt may take (a host that drops packets): also the longest start-up waits for Redis. */
const CONNECT_TIMEOUT_MS = 2000;

/** How long a Redis command may take before the caller treats Redis as unavailable. */
const REDIS_COMMAND_TIMEOUT_MS = 500;
/** Failed or slow commands in a row after which Redis is left alone until the next probe. */
const FAILURES_BEFORE_OPENING = 3;
/** While the circuit is open, one command every this many ms probes whether Redis answers again. */
const PROBE_INTERVAL_MS = 5000;
/**
 * A failure this recent makes readiness report the store as degraded, even while PING answers (a full Redis refusing
 * writes).
 */
const RECENT_FAILURE_MS = 30_000;

/**
 * The one Redis connection of the process, under the cache store and SharedStateStore. Commands fail at once while disconnected (no offline queue), so a Redis outage
 * degrades the service to per-instance state instead of stalling requests.
 */
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  readonly client: RedisClientType | undefined;
  /**
   * Every command goes through one breaker: a stalled Redis (connection open, no answers) would
   * otherwise cost each request the full command timeout.
   */
  private readonly breaker = circuitBreaker(handleAll, {
    halfOpenAfter: PROBE_INTERVAL_MS,
    breaker: new ConsecutiveBreaker(FAILURES_BEFORE_OPENING),
  });
  private lastFailure: { at: number; message: string } | undefined;

  /** Built by RedisModule's factory, which loads `@redis/client` (`connect`) only when REDIS_URL is set. */
  constructor(
    private readonly config: CacheStoreConfig,
    metrics: ServiceMetrics,
    private readonly outage: RedisOutage,
    private readonly clock: Clock,
    connect?: typeof createClient,
  ) {
    this.client =
      config.redisUrl && connect
        ? connect({
            url: config.redisUrl,
            disableOfflineQueue: true,
            socket: {
              connectTimeout: CONNECT_TIMEOUT_MS,
              reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000),
            },
          })
        : undefined;
    // The client reports every failed reconnection attempt; the outage makes one line of them.
    this.client?.on('error', (error: Error) => outage.failed('connection', error));
    this.client?.on('ready', () => {
      outage.answered();
      metrics.redisUp.set(1);
    });
    this.client?.on('end', () => metrics.redisUp.set(0));
    this.client?.on('error', () => metrics.redisUp.set(0));
    if (this.client) metrics.redisUp.set(0);
    this.breaker.onBreak(() =>
      outage.failed(
        'commands',
        new Error(
          `${FAILURES_BEFORE_OPENING} failed or timed out in a row; probing every ${PROBE_INTERVAL_MS / 1000} s`,
        ),
      ),
    );
    this.breaker.onReset(() => outage.answered());
  }

  /**
   * Runs a command on this connection (or a store operation over it) with the command timeout,
   * through the circuit breaker: callers treat a rejection as "Redis unavailable" and fall back
   * to their in-memory state.
   */
  async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.execute(() => withTimeout(command(), REDIS_COMMAND_TIMEOUT_MS));
    } catch (error) {
      this.lastFailure = { at: this.clock.now(), message: (error as Error).message };
      throw error;
    }
  }

  /** Why Redis is not to be relied on right now: the circuit is open, or a command failed recently. */
  get recentFailure(): string | undefined {
    if (this.breaker.state === CircuitState.Open)
      return 'Redis failed repeatedly; commands are paused until the next probe';
    return this.lastFailure && this.clock.now() - this.lastFailure.at < RECENT_FAILURE_MS
      ? `a Redis command failed: ${this.lastFailure.message}`
      : undefined;
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

  /**
   * Waits for the first outcome of connecting, so a healthy Redis is in use from the first
   * request: connected, or the first failure (at once when Redis refuses, after the connect
   * timeout when it drops packets). Down, the service starts on in-memory state at once, the
   * client keeps reconnecting in the background, and readiness reports the store as degraded.
   */
  async onModuleInit(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const failed = new Promise<void>((resolve) => client.once('error', () => resolve()));
    await Promise.race([
      client.connect().then(
        () => undefined,
        () => undefined,
      ),
      failed,
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    if (!client?.isOpen) return;
    // A stalled Redis never answers QUIT: shutdown does not wait for it.
    if (client.isReady) await withTimeout(client.close(), REDIS_COMMAND_TIMEOUT_MS).catch(() => client.destroy());
    else client.destroy();
  }

  /** PING through the breaker; false when Redis is not configured, down, slow or left alone after failures. */
  async ping(): Promise<boolean> {
    const client = this.client;
    if (!client?.isReady) return false;
    try {
      return (await this.run(() => client.ping())) === 'PONG';
    } catch {
      return false;
    }
  }
}

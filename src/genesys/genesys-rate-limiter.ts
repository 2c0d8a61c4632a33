import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { setMaxListeners } from 'node:events';
import { SharedStateStore } from '../cache-store/shared-state.store';
import { CLOCK, type Clock } from '../clock/clock';
import { ServiceMetrics } from '../metrics/service-metrics';
import { genesysConfig, type GenesysConfig } from './genesys.config';
import { UpstreamErrors } from './upstream-errors';

/** Requests waiting for a slot beyond this are refused rather than queued without end. */
const MAX_WAITING_REQUESTS = 5000;

/**
 * The earliest slot a new request can have in a sliding-window log of admitted and reserved
 * slots (ascending, all later than `now - windowMs`): now while fewer than `limit` are in the
 * window, else when the entry `limit` places back from the newest leaves it.
 */
export function nextSlot(slots: readonly number[], now: number, limit: number, windowMs: number): number {
  return slots.length < limit ? now : Math.max(now, slots[slots.length - limit] + windowMs);
}

/**
 * The same on a sorted set, by Redis's clock so instances agree: reserves the slot and answers how
 * long to wait for it, or, when it is further away than ARGV[4] ms, reserves nothing and answers
 * minus the wait.
 */
const RESERVE_SCRIPT = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs - window)
local count = redis.call('ZCARD', KEYS[1])
local slot = nowMs
if count >= limit then
  local entry = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  slot = math.max(nowMs, tonumber(entry[2]) + window)
end
local wait = slot - nowMs
if wait > tonumber(ARGV[4]) then return -math.max(1, wait) end
redis.call('ZADD', KEYS[1], slot, ARGV[3])
redis.call('PEXPIRE', KEYS[1], wait + window)
return wait`;

/**
 * Keeps this service under Genesys Cloud's per-token rate limit, so a burst waits its turn
 * instead of provoking 429s. Genesys counts per token in fixed windows whose start we cannot
 * see, so the limit is enforced over every sliding window (never more than the limit in any
 * window-long span, which no alignment of Genesys's windows can exceed), with a small margin for
 * network delay. Each request reserves its slot when it asks, so a caller knows at once whether
 * its turn comes within its budget, and a slot once given is never wasted by a caller that gave
 * up waiting. Every instance shares one token, so with Redis the log is shared; while Redis is
 * down, and without it, each instance keeps its own.
 */
@Injectable()
export class GenesysRateLimiter implements BeforeApplicationShutdown {
  private readonly local: number[] = [];
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly key: string;
  private readonly shutdown = new AbortController();
  private waiting = 0;
  private sequence = 0;

  constructor(
    @Inject(genesysConfig.KEY) config: GenesysConfig,
    private readonly shared: SharedStateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: ServiceMetrics,
  ) {
    this.limit = config.rateLimit.requests;
    const windowMs = config.rateLimit.windowSeconds * 1000;
    this.windowMs = windowMs + Math.min(1000, Math.max(20, windowMs * 0.02));
    this.key = shared.key(`genesys-rate:${config.clientId ?? 'sandbox'}`);
    // Every waiting caller listens for shutdown; up to MAX_WAITING_REQUESTS of them is expected, not a leak.
    setMaxListeners(MAX_WAITING_REQUESTS, this.shutdown.signal);
  }

  /**
   * Resolves when the request may go out. A caller whose turn is further away than `maxWaitMs`
   * is refused at once with a 429 whose Retry-After is the real wait, and holds no slot.
   */
  async acquire(maxWaitMs: number): Promise<void> {
    if (this.waiting >= MAX_WAITING_REQUESTS) {
      this.metrics.rateLimitRefusals.inc();
      throw UpstreamErrors.rateLimited(Math.ceil(this.windowMs / 1000));
    }
    const waitMs = await this.reserve(Math.max(0, maxWaitMs));
    if (waitMs < 0) {
      this.metrics.rateLimitRefusals.inc();
      throw UpstreamErrors.rateLimited(Math.ceil(-waitMs / 1000));
    }
    this.metrics.rateLimitWaits.observe(waitMs / 1000);
    if (waitMs === 0) return;
    this.waiting += 1;
    try {
      await this.clock.sleep(waitMs, this.shutdown.signal);
    } catch {
      throw UpstreamErrors.shuttingDown();
    } finally {
      this.waiting -= 1;
    }
  }

  /** Shutdown does not wait for callers whose turn is still to come: they are answered 503 at once. */
  beforeApplicationShutdown(): void {
    this.shutdown.abort();
  }

  /** The wait for a reserved slot in ms, or minus the wait when it is beyond `maxWaitMs` (nothing reserved). */
  private async reserve(maxWaitMs: number): Promise<number> {
    const member = `${process.pid}:${this.clock.now()}:${(this.sequence += 1)}`;
    return this.shared.either(
      'rate limit',
      async (client) =>
        Number(
          await client.eval(RESERVE_SCRIPT, {
            keys: [this.key],
            arguments: [String(this.windowMs), String(this.limit), member, String(maxWaitMs)],
          }),
        ),
      () => this.reserveLocally(maxWaitMs),
    );
  }

  private reserveLocally(maxWaitMs: number): number {
    const now = this.clock.now();
    while (this.local.length > 0 && this.local[0] <= now - this.windowMs) this.local.shift();
    const slot = nextSlot(this.local, now, this.limit, this.windowMs);
    const wait = slot - now;
    if (wait > maxWaitMs) return -Math.max(1, wait);
    this.local.push(slot);
    return wait;
  }
}

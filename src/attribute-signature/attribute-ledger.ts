import { Inject, Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RedisConnection } from '../cache-store/redis-connection';
import { attributeSignatureConfig, type AttributeSignatureConfig } from './attribute-signature.config';

/** An issued attribute set, as remembered for verification. */
export interface IssuedAttributeSet {
  userId: string;
  issuedAt: string;
  attributes: Record<string, string>;
}

/**
 * At most this many sets are kept in memory (least recently used go first): one is written per
 * issued config, and without a bound memory would grow with traffic for the ledger's whole TTL.
 * On Redis, Redis's own memory policy bounds it.
 */
const MEMORY_MAX_ENTRIES = 10_000;

/**
 * Remembers each issued set under its signature's nonce for ATTRIBUTE_LEDGER_TTL_SECONDS, so
 * verification can say which attribute changed. An unchanged set issued again has the same nonce
 * (setNonce), so it rewrites its entry and restarts its TTL instead of adding one. In Redis (shared by the instances) when it
 * answers, else in this instance's memory. Best effort: the signature alone still proves
 * tampering when the ledger has forgotten.
 *
 * It writes to Redis and to an LRU map directly rather than through cache-manager: one write
 * per issued config is the hottest store path of the service, and cache-manager's memory store
 * (key hashing, events, serialisation) cost more per write than a Redis round trip.
 */
@Injectable()
export class AttributeLedger {
  private readonly logger = new Logger(AttributeLedger.name);
  private readonly memory: LRUCache<string, IssuedAttributeSet>;
  private readonly ttlMs: number;
  private redisFailing = false;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(attributeSignatureConfig.KEY) config: AttributeSignatureConfig,
  ) {
    this.ttlMs = config.ledgerTtlSeconds * 1000;
    this.memory = new LRUCache({ max: MEMORY_MAX_ENTRIES, ttl: this.ttlMs });
  }

  async record(nonce: string, issued: IssuedAttributeSet): Promise<void> {
    const client = this.redis.client;
    if (client?.isReady) {
      try {
        await this.redis.run(() => client.set(this.redis.key(`ledger:${nonce}`), JSON.stringify(issued), { expiration: { type: 'PX', value: this.ttlMs } }));
        this.redisAnswered();
        return;
      } catch (error) {
        this.redisFailed(error as Error);
      }
    }
    this.memory.set(nonce, issued);
  }

  async find(nonce: string): Promise<IssuedAttributeSet | undefined> {
    const client = this.redis.client;
    if (client?.isReady) {
      try {
        const stored = await this.redis.run(() => client.get(this.redis.key(`ledger:${nonce}`)));
        this.redisAnswered();
        if (stored) return JSON.parse(stored) as IssuedAttributeSet;
      } catch (error) {
        this.redisFailed(error as Error);
      }
    }
    // Also where Redis answered "not found": the set may have been issued while Redis was away.
    return this.memory.get(nonce);
  }

  /** Logged once per outage, not once per request. */
  private redisFailed(error: Error): void {
    if (this.redisFailing) return;
    this.redisFailing = true;
    this.logger.warn(`Attribute ledger: Redis unavailable (${error.message}); keeping issued sets in this instance's memory until it answers`);
  }

  private redisAnswered(): void {
    if (!this.redisFailing) return;
    this.redisFailing = false;
    this.logger.log('Attribute ledger: Redis answers again');
  }
}

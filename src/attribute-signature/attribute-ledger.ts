import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { SharedStateStore } from '../cache-store/shared-state.store';
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
 * It writes Redis commands and an LRU map rather than the cache store: one write per issued
 * config is the hottest store path of the service, and cache-manager's memory store (key
 * hashing, events, serialisation) cost more per write than a Redis round trip.
 */
@Injectable()
export class AttributeLedger {
  private readonly memory: LRUCache<string, IssuedAttributeSet>;
  private readonly ttlMs: number;

  constructor(
    private readonly shared: SharedStateStore,
    @Inject(attributeSignatureConfig.KEY) config: AttributeSignatureConfig,
  ) {
    this.ttlMs = config.ledgerTtlSeconds * 1000;
    this.memory = new LRUCache({ max: MEMORY_MAX_ENTRIES, ttl: this.ttlMs });
  }

  async record(nonce: string, issued: IssuedAttributeSet): Promise<void> {
    await this.shared.either(
      'ledger write',
      async (client) => void (await client.set(this.shared.key(`ledger:${nonce}`), JSON.stringify(issued), { expiration: { type: 'PX', value: this.ttlMs } })),
      () => void this.memory.set(nonce, issued),
    );
  }

  async find(nonce: string): Promise<IssuedAttributeSet | undefined> {
    const stored = await this.shared.either('ledger read', (client) => client.get(this.shared.key(`ledger:${nonce}`)), () => null);
    // Also where Redis answered "not found": the set may have been issued while Redis was away.
    return stored ? (JSON.parse(stored) as IssuedAttributeSet) : this.memory.get(nonce);
  }
}

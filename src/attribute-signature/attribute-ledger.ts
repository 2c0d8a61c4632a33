import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
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
/** Sets written to Redis in one pipeline at the most; more wait for the next. */
const MAX_BATCH = 500;
/**
 * Sets waiting for Redis at the most. Only a Redis slower than traffic lets the queue grow
 * (each batch waits out the command timeout until the circuit opens); past this, a set stays in
 * this instance's memory alone, as while Redis is down.
 */
const MAX_PENDING = 10_000;

/**
 * Remembers each issued set under its signature's nonce for ATTRIBUTE_LEDGER_TTL_SECONDS, so
 * verification can say which attribute changed. An unchanged set issued again has the same nonce
 * (setNonce), so it rewrites its entry and restarts its TTL instead of adding one. In Redis (shared by the instances) when it
 * answers, else in this instance's memory. Best effort: the signature alone still proves
 * tampering when the ledger has forgotten.
 *
 * It writes Redis commands and an LRU map rather than the cache store: one write per issued
 * config is the hottest store path of the service, and cache-manager's memory store (key
 * hashing, events, serialisation) cost more per write than a Redis round trip. For the same
 * reason Redis is written behind the answer: a set goes into this instance's memory at once, and
 * the sets issued in one turn of the event loop go to Redis in one pipeline just after (one
 * command timeout for all of them, not a wait per request). Nothing is lost meanwhile or when
 * Redis refuses: this instance finds the set in its memory, and shutdown waits for the last batch.
 */
@Injectable()
export class AttributeLedger implements BeforeApplicationShutdown {
  private readonly memory: LRUCache<string, IssuedAttributeSet>;
  private readonly ttlMs: number;
  /** Sets waiting for the next pipeline, by nonce: an unchanged set issued twice is written once. */
  private readonly pending = new Map<string, string>();
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly shared: SharedStateStore,
    @Inject(attributeSignatureConfig.KEY) config: AttributeSignatureConfig,
  ) {
    this.ttlMs = config.ledgerTtlSeconds * 1000;
    this.memory = new LRUCache({ max: MEMORY_MAX_ENTRIES, ttl: this.ttlMs });
  }

  record(nonce: string, issued: IssuedAttributeSet): void {
    this.memory.set(nonce, issued);
    if (!this.shared.shared || (this.pending.size >= MAX_PENDING && !this.pending.has(nonce))) return;
    this.pending.set(nonce, JSON.stringify(issued));
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writePending());
  }

  /** Resolves once every set recorded so far has been offered to Redis (tests; shutdown). */
  async flushed(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flushed();
  }

  private async writePending(): Promise<void> {
    const batch = [...this.pending].slice(0, MAX_BATCH);
    for (const [nonce] of batch) this.pending.delete(nonce);
    try {
      await this.write(batch);
    } finally {
      this.flushing =
        this.pending.size > 0
          ? new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writePending())
          : undefined;
    }
  }

  private async write(batch: readonly [string, string][]): Promise<void> {
    await this.shared.either(
      'ledger write',
      async (client) => {
        const pipeline = client.multi();
        for (const [nonce, json] of batch)
          pipeline.set(this.shared.key(`ledger:${nonce}`), json, { expiration: { type: 'PX', value: this.ttlMs } });
        await pipeline.execAsPipeline();
      },
      // Already in this instance's memory, where find() looks first.
      () => undefined,
    );
  }

  /** This instance's memory first (a nonce names one set for good, wherever it is kept), then Redis. */
  async find(nonce: string): Promise<IssuedAttributeSet | undefined> {
    const remembered = this.memory.get(nonce);
    if (remembered) return remembered;
    const stored = await this.shared.either(
      'ledger read',
      (client) => client.get(this.shared.key(`ledger:${nonce}`)),
      () => null,
    );
    return stored ? (JSON.parse(stored) as IssuedAttributeSet) : undefined;
  }
}

import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { REDIS_COMMAND_TIMEOUT_MS, withTimeout } from '../cache-store/redis-connection';
import { attributeSignatureConfig, type AttributeSignatureConfig } from './attribute-signature.config';

/** An issued attribute set, as remembered for verification. */
export interface IssuedAttributeSet {
  userId: string;
  issuedAt: string;
  attributes: Record<string, string>;
}

/**
 * Remembers each issued set in the cache store under its signature's nonce for
 * ATTRIBUTE_LEDGER_TTL_SECONDS, so verification can say which attribute changed. Best effort:
 * the signature alone still proves tampering when the ledger has forgotten.
 */
@Injectable()
export class AttributeLedger {
  private readonly logger = new Logger(AttributeLedger.name);

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(attributeSignatureConfig.KEY) private readonly config: AttributeSignatureConfig,
  ) {}

  async record(nonce: string, issued: IssuedAttributeSet): Promise<void> {
    try {
      await withTimeout(this.cache.set(`ledger:${nonce}`, issued, this.config.ledgerTtlSeconds * 1000), REDIS_COMMAND_TIMEOUT_MS);
    } catch (error) {
      this.logger.warn(`Attribute ledger unavailable: ${(error as Error).message}`);
    }
  }

  async find(nonce: string): Promise<IssuedAttributeSet | undefined> {
    try {
      return (await withTimeout(this.cache.get<IssuedAttributeSet>(`ledger:${nonce}`), REDIS_COMMAND_TIMEOUT_MS)) ?? undefined;
    } catch (error) {
      this.logger.warn(`Attribute ledger unavailable: ${(error as Error).message}`);
      return undefined;
    }
  }
}

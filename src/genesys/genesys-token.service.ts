import { Inject, Injectable, Logger } from '@nestjs/common';
import { SharedStateStore } from '../cache-store/shared-state.store';
import { CLOCK, type Clock } from '../clock/clock';
import { genesysConfig, type GenesysConfig } from './genesys.config';

/** What the token endpoint answered. */
export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

/** A token as cached: usable until `expiresAt`, replaced from `refreshAt` on. Times in ms since the epoch. */
export interface CachedToken {
  value: string;
  expiresAt: number;
  refreshAt: number;
}

export type TokenSource = () => Promise<IssuedToken>;

/** How long an instance waits for another instance that holds the token lock before fetching itself. */
const LOCK_WAIT_MS = 15_000;
/** The lock outlives one token request (timeout plus retries) only by a margin. */
const LOCK_TTL_MS = 20_000;
const LOCK_POLL_MS = 25;
/** Refused token values remembered per process; a handful covers any burst of revocations. */
const REMEMBERED_REFUSALS = 16;

/**
 * Holds the Genesys Cloud client-credentials token: in process memory, and in the cache store
 * (Redis when configured) so that instances share it. One token request per process at a time
 * (callers share the in-flight request); with Redis, one per cluster (a short lock; waiters read
 * what the holder stored). A token within the refresh buffer keeps serving while one refresh runs.
 */
@Injectable()
export class GenesysTokenService {
  private readonly logger = new Logger(GenesysTokenService.name);
  private current: CachedToken | undefined;
  private inFlight: Promise<CachedToken> | undefined;
  private readonly cacheKey: string;
  private readonly lockName: string;
  /**
   * Tokens Genesys refused. Until the shared copy is gone (and another instance may write it back
   * from its memory), a reader of the shared tier would take the refused token up again: every
   * tier's read skips these.
   */
  private readonly refused = new Set<string>();

  constructor(
    private readonly shared: SharedStateStore,
    @Inject(genesysConfig.KEY) private readonly config: GenesysConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.lockName = `genesys-token:${config.clientId ?? 'none'}`;
    // Under CACHE_KEY_PREFIX like every other key this service writes (the store adds no prefix of its own).
    this.cacheKey = shared.key(`genesys:token:${config.clientId ?? 'none'}`);
  }

  async getToken(source: TokenSource): Promise<string> {
    const now = this.clock.now();
    const current = this.current;
    if (current && now < current.refreshAt) return current.value;
    if (current && now < current.expiresAt) {
      this.refresh(source).catch((error: Error) =>
        this.logger.warn(`Background token refresh failed: ${error.message}`),
      );
      return current.value;
    }
    return (await this.refresh(source)).value;
  }

  /** The token this process holds, without asking anyone. */
  peek(): CachedToken | undefined {
    return this.current && this.clock.now() < this.current.expiresAt ? { ...this.current } : undefined;
  }

  /** Drops a token Genesys refused from every tier; a token someone has already replaced is left alone. */
  async invalidate(rejected: string): Promise<void> {
    this.refused.add(rejected);
    if (this.refused.size > REMEMBERED_REFUSALS) this.refused.delete(this.refused.values().next().value as string);
    if (this.current?.value === rejected) this.current = undefined;
    // Compare-and-delete: a fresh token another instance stored meanwhile survives.
    await this.shared.deleteIf(this.cacheKey, 'value', rejected);
  }

  private refresh(source: TokenSource): Promise<CachedToken> {
    this.inFlight ??= this.obtain(source).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async obtain(source: TokenSource): Promise<CachedToken> {
    const waitUntil = this.clock.now() + LOCK_WAIT_MS;
    for (;;) {
      const shared = await this.readShared();
      if (shared && this.isFresh(shared)) return (this.current = shared);

      const lock = await this.shared.tryLock(this.lockName, LOCK_TTL_MS);
      if (lock.outcome === 'busy' && this.clock.now() < waitUntil) {
        await this.clock.sleep(LOCK_POLL_MS);
        continue;
      }
      try {
        if (lock.outcome === 'acquired') {
          const storedMeanwhile = await this.readShared();
          if (storedMeanwhile && this.isFresh(storedMeanwhile)) return (this.current = storedMeanwhile);
        }
        const token = this.toCachedToken(await source());
        await this.shared.write(this.cacheKey, token, token.refreshAt - this.clock.now());
        return (this.current = token);
      } finally {
        if (lock.outcome === 'acquired') await lock.release();
      }
    }
  }

  private isFresh(token: CachedToken): boolean {
    return this.clock.now() < token.refreshAt;
  }

  private toCachedToken(issued: IssuedToken): CachedToken {
    const now = this.clock.now();
    const lifetimeMs = issued.expiresInSeconds * 1000;
    // A buffer longer than half the lifetime (short-lived test or HIPAA tokens) would refresh on every call.
    const bufferMs = Math.min(this.config.tokenRefreshBufferSeconds * 1000, lifetimeMs / 2);
    return { value: issued.accessToken, expiresAt: now + lifetimeMs, refreshAt: now + lifetimeMs - bufferMs };
  }

  private async readShared(): Promise<CachedToken | undefined> {
    const token = await this.shared.read<CachedToken>(this.cacheKey);
    return token &&
      typeof token.value === 'string' &&
      this.clock.now() < token.expiresAt &&
      !this.refused.has(token.value)
      ? token
      : undefined;
  }
}

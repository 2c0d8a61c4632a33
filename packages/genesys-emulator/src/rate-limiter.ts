import type { Clock } from './clock';

export interface RateLimit {
  /** Requests allowed per window, per token. */
  limit: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed windows per token, as Genesys counts `client.credentials.token.rate.per.minute`:
 * the window opens with a token's first request; Retry-After is the time left in it.
 */
export class PerTokenRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    public settings: RateLimit,
  ) {}

  take(token: string): RateDecision {
    const now = this.clock.now();
    const windowMs = this.settings.windowSeconds * 1000;
    let window = this.windows.get(token);
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
      this.windows.set(token, window);
    }
    if (window.count >= this.settings.limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000)) };
    }
    window.count += 1;
    return { allowed: true };
  }

  reset(): void {
    this.windows.clear();
  }
}

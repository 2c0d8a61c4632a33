import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';

interface IssuedToken {
  expiresAt: number;
  revoked: boolean;
}

export type TokenCheck = 'valid' | 'unknown' | 'expired' | 'revoked';

/** Opaque bearer tokens that really expire (by the emulator's clock) and can be revoked. */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly clock: Clock,
    public lifetimeSeconds: number,
  ) {}

  issue(): { accessToken: string; expiresIn: number } {
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, { expiresAt: this.clock.now() + this.lifetimeSeconds * 1000, revoked: false });
    return { accessToken, expiresIn: this.lifetimeSeconds };
  }

  check(accessToken: string): TokenCheck {
    const token = this.tokens.get(accessToken);
    if (!token) return 'unknown';
    if (token.revoked) return 'revoked';
    return this.clock.now() >= token.expiresAt ? 'expired' : 'valid';
  }

  revokeAll(): number {
    let revoked = 0;
    for (const token of this.tokens.values()) {
      if (!token.revoked) {
        token.revoked = true;
        revoked += 1;
      }
    }
    return revoked;
  }
}

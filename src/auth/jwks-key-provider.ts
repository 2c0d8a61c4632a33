import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';

/** How long a key stays trusted without asking the JWKS again (jwks-rsa caches as long). */
const KEY_MAX_AGE_MS = 10 * 60 * 1000;

export type KeyLookup = (kid: string | undefined, done: (error: Error | null, key?: KeyObject) => void) => void;

/**
 * Keys from an identity provider's JWKS, as prepared KeyObjects. jwks-rsa's own passport helper
 * hands over a PEM string, which jsonwebtoken parses again on every request (RS256 on the config
 * endpoint: 2.2k req/s with it). jwks-rsa still fetches, caches and rate-limits the JWKS; this
 * keeps the parsed key per key id for as long as jwks-rsa would.
 */
export function jwksKeyLookup(jwksUri: string): KeyLookup {
  const client = new JwksClient({ jwksUri, cache: true, cacheMaxAge: KEY_MAX_AGE_MS, rateLimit: true, jwksRequestsPerMinute: 10, timeout: 5000 });
  const parsed = new Map<string, { key: KeyObject; until: number }>();
  return (kid, done) => {
    const known = kid === undefined ? undefined : parsed.get(kid);
    if (known && known.until > Date.now()) {
      done(null, known.key);
      return;
    }
    client.getSigningKey(kid).then(
      (signingKey) => {
        const key = createPublicKey(signingKey.getPublicKey());
        // Only published keys get here, so the map holds no more than the JWKS has had.
        if (kid !== undefined) parsed.set(kid, { key, until: Date.now() + KEY_MAX_AGE_MS });
        done(null, key);
      },
      (error: Error) => done(error),
    );
  };
}

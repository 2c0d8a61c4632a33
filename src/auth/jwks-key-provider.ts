import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import type { SecretOrKeyProvider } from 'passport-jwt';

/** How long a key stays trusted without asking the JWKS again (jwks-rsa caches as long). */
const KEY_MAX_AGE_MS = 10 * 60 * 1000;

function keyIdOf(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keys for passport-jwt from an identity provider's JWKS, as prepared KeyObjects. jwks-rsa's own
 * passport helper hands over a PEM string, which jsonwebtoken parses again on every request
 * (RS256 on the config endpoint: 2.2k req/s with it). jwks-rsa still fetches, caches and
 * rate-limits the JWKS; this keeps the parsed key per key id for as long as jwks-rsa would.
 */
export function jwksKeyProvider(jwksUri: string): SecretOrKeyProvider {
  const client = new JwksClient({ jwksUri, cache: true, cacheMaxAge: KEY_MAX_AGE_MS, rateLimit: true, jwksRequestsPerMinute: 10, timeout: 5000 });
  const parsed = new Map<string, { key: KeyObject; until: number }>();
  return (_request, token, done) => {
    const kid = keyIdOf(token);
    const known = kid === undefined ? undefined : parsed.get(kid);
    if (known && known.until > Date.now()) {
      done(null, known.key as unknown as Buffer);
      return;
    }
    client.getSigningKey(kid).then(
      (signingKey) => {
        const key = createPublicKey(signingKey.getPublicKey());
        // Only published keys get here, so the map holds no more than the JWKS has had.
        if (kid !== undefined) parsed.set(kid, { key, until: Date.now() + KEY_MAX_AGE_MS });
        done(null, key as unknown as Buffer);
      },
      (error: Error) => done(error),
    );
  };
}

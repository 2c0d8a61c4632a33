import { createHmac } from 'node:crypto';
import { nextNonce } from '../src/attribute-signature/nonce-pool';

/** The settings every server in the benchmark shares, so they do the same work. */
export const BENCH_JWT_SECRET = 'bench-secret-that-is-at-least-32-bytes-long';
export const BENCH_ISSUER = 'https://identity.bench.example';
export const BENCH_AUDIENCE = 'wm-attribute-gateway';
export const BENCH_SIGNING_SECRET = 'bench-attribute-signing-secret-32-bytes-or-more';

/** The attribute map every server builds from the visitor's claims, signed the way the service signs it. */
export function signedAttributes(claims: Record<string, unknown>, key: Buffer): Record<string, string> {
  const attributes: Record<string, string> = {
    userId: String(claims.sub),
    userTier: String(claims.tier),
    lastOrderDate: new Date(String(claims.lastOrderDate)).toISOString(),
  };
  const issuedAt = Math.floor(Date.now() / 1000);
  const nonce = nextNonce();
  const canonical = JSON.stringify(Object.keys(attributes).sort().map((name) => [name, attributes[name]]));
  const mac = createHmac('sha256', key)
    .update(['v1', 'k1', attributes.userId, String(issuedAt), nonce, canonical].join('\n'))
    .digest('base64url');
  const claimsPart = Buffer.from(JSON.stringify({ u: attributes.userId, t: issuedAt, n: nonce })).toString('base64url');
  return { ...attributes, attributesSignature: `v1.k1.${claimsPart}.${mac}` };
}

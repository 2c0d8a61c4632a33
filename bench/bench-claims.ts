import type { KeyObject } from 'node:crypto';
import {
  computeMac,
  formatSignature,
  setNonce,
  type SignatureClaims,
} from '../src/attribute-signature/signature-format';

/** The settings every server in the benchmark shares, so they do the same work. */
export const BENCH_JWT_SECRET = 'bench-secret-that-is-at-least-32-bytes-long';
export const BENCH_ISSUER = 'https://identity.bench.example';
export const BENCH_AUDIENCE = 'wm-attribute-gateway';
export const BENCH_SIGNING_SECRET = 'bench-attribute-signing-secret-32-bytes-or-more';
/** The Messenger deployment the floor and the peer answer with; the signature binds it, as the service's does. */
export const BENCH_DEPLOYMENT_ID = '6b0e2c1a-5d4f-4e3a-9b8c-7d6e5f4a3b2c';
const LIFETIME_SECONDS = 3600;

/** The attribute map every server builds from the visitor's claims, signed the way the service signs it (v2). */
export function signedAttributes(claims: Record<string, unknown>, key: KeyObject): Record<string, string> {
  const attributes: Record<string, string> = {
    userId: String(claims.sub),
    userTier: String(claims.tier),
    lastOrderDate: new Date(String(claims.lastOrderDate)).toISOString(),
  };
  const issuedAt = Math.floor(Date.now() / 1000);
  const signed: SignatureClaims = {
    version: 'v2',
    kid: 'k1',
    userId: attributes.userId,
    issuedAt,
    expiresAt: issuedAt + LIFETIME_SECONDS,
    nonce: setNonce(key, 'k1', BENCH_DEPLOYMENT_ID, attributes.userId, attributes),
  };
  return {
    ...attributes,
    attributesSignature: formatSignature(signed, computeMac(key, signed, BENCH_DEPLOYMENT_ID, attributes)),
  };
}

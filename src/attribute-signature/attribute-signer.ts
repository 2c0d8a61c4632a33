import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { attributeSignatureConfig, type AttributeSignatureConfig, type SigningKey } from './attribute-signature.config';
import { nextNonce } from './nonce-pool';

const VERSION = 'v1';

/** What a signature vouches for besides the attributes themselves. */
export interface SignatureClaims {
  kid: string;
  userId: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  /** Names the issued set in the ledger. */
  nonce: string;
}

export type SignatureCheck =
  | { valid: true; claims: SignatureClaims }
  | { valid: false; reason: 'malformed' | 'unknown_key' | 'mismatch'; claims?: SignatureClaims };

/** Order-independent, unambiguous form of a string map: sorted [key, value] pairs as JSON. */
function canonical(attributes: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(attributes).sort().map((key) => [key, attributes[key]]));
}

function mac(key: SigningKey, claims: SignatureClaims, attributes: Readonly<Record<string, string>>): Buffer {
  return createHmac('sha256', key.secret)
    .update([VERSION, claims.kid, claims.userId, String(claims.issuedAt), claims.nonce, canonical(attributes)].join('\n'))
    .digest();
}

/**
 * Signs an attribute set so that any change, addition or removal shows: a compact token
 * `v1.<kid>.<claims>.<hmac-sha256>` kept in a reserved attribute beside the others. The first
 * configured key signs; every configured key verifies, so keys can be rotated.
 */
@Injectable()
export class AttributeSigner {
  constructor(@Inject(attributeSignatureConfig.KEY) private readonly config: AttributeSignatureConfig) {}

  get signatureName(): string {
    return this.config.signatureName;
  }

  sign(attributes: Readonly<Record<string, string>>, userId: string, issuedAt: Date): { token: string; claims: SignatureClaims } {
    const key = this.config.keys[0];
    const claims: SignatureClaims = {
      kid: key.kid,
      userId,
      issuedAt: Math.floor(issuedAt.getTime() / 1000),
      nonce: nextNonce(),
    };
    const encodedClaims = Buffer.from(JSON.stringify({ u: claims.userId, t: claims.issuedAt, n: claims.nonce })).toString('base64url');
    const token = `${VERSION}.${key.kid}.${encodedClaims}.${mac(key, claims, attributes).toString('base64url')}`;
    return { token, claims };
  }

  /** Checks `token` against the attributes it should cover (the signature attribute itself excluded). */
  verify(attributes: Readonly<Record<string, string>>, token: string): SignatureCheck {
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return { valid: false, reason: 'malformed' };
    const [, kid, encodedClaims, encodedMac] = parts;
    let claims: SignatureClaims;
    try {
      const decoded = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8')) as { u?: unknown; t?: unknown; n?: unknown };
      if (typeof decoded.u !== 'string' || typeof decoded.t !== 'number' || typeof decoded.n !== 'string') {
        return { valid: false, reason: 'malformed' };
      }
      claims = { kid, userId: decoded.u, issuedAt: decoded.t, nonce: decoded.n };
    } catch {
      return { valid: false, reason: 'malformed' };
    }
    const key = this.config.keys.find((candidate) => candidate.kid === kid);
    if (!key) return { valid: false, reason: 'unknown_key', claims };
    const expected = mac(key, claims, attributes);
    const given = Buffer.from(encodedMac, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected)
      ? { valid: true, claims }
      : { valid: false, reason: 'mismatch', claims };
  }
}

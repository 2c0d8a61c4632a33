import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { genesysConfig, type GenesysConfig } from '../genesys/genesys.config';
import { attributeSignatureConfig, type AttributeSignatureConfig } from './attribute-signature.config';
import {
  computeMac,
  formatSignature,
  isWellFormedSet,
  parseSignature,
  setNonce,
  type SignatureClaims,
} from './signature-format';

export type SignatureProblem = 'malformed' | 'unknown_key' | 'mismatch' | 'identity_mismatch';

/**
 * The outcome of a signature check. When it fails, nothing the token says is a fact; only its
 * nonce is handed on, to look up in the service's own ledger what was issued under it.
 */
export type SignatureCheck =
  { valid: true; claims: SignatureClaims } | { valid: false; reason: SignatureProblem; nonce?: string };

/**
 * Signs an attribute set so that any change, addition or removal shows, and binds it to the
 * visitor, the Messenger deployment and a lifetime (format in signature-format.ts). The first
 * configured key signs; every configured key verifies, so keys can be rotated.
 */
@Injectable()
export class AttributeSigner {
  constructor(
    @Inject(attributeSignatureConfig.KEY) private readonly config: AttributeSignatureConfig,
    @Inject(genesysConfig.KEY) private readonly genesys: GenesysConfig,
  ) {}

  get signatureName(): string {
    return this.config.signatureName;
  }

  /** `userId` must be the value of the registry's identity attribute in `attributes`; the caller checks it. */
  sign(
    attributes: Readonly<Record<string, string>>,
    userId: string,
    issuedAt: Date,
  ): { token: string; claims: SignatureClaims } {
    // Issuing refuses such values with a 422 first; reaching here with one is a bug, not input.
    if (!isWellFormedSet(attributes, userId))
      throw new Error('Only well-formed text is signed: a lone surrogate would share its MAC with U+FFFD.');
    const key = this.config.keys[0];
    const issuedAtSeconds = Math.floor(issuedAt.getTime() / 1000);
    const claims: SignatureClaims = {
      version: 'v2',
      kid: key.kid,
      userId,
      issuedAt: issuedAtSeconds,
      expiresAt: issuedAtSeconds + this.config.lifetimeSeconds,
      nonce: setNonce(key.secret, key.kid, this.deploymentId, userId, attributes),
    };
    return { token: formatSignature(claims, computeMac(key.secret, claims, this.deploymentId, attributes)), claims };
  }

  /**
   * Checks `token` against the attributes it should cover (the signature attribute excluded) and
   * the user id they name (the identity attribute's value, undefined when it did not arrive).
   * Says nothing about time: see judgeTiming.
   */
  verify(attributes: Readonly<Record<string, string>>, token: string, userId: string | undefined): SignatureCheck {
    const parsed = parseSignature(token);
    if (!parsed) return { valid: false, reason: 'malformed' };
    const key = this.config.keys.find((candidate) => candidate.kid === parsed.kid);
    if (!key) return { valid: false, reason: 'unknown_key', nonce: parsed.nonce };
    const claims: SignatureClaims = {
      version: parsed.version,
      kid: parsed.kid,
      // v2 signs the identity attribute's value as the user id; v1 names its user id itself.
      userId: parsed.userId ?? userId ?? '',
      issuedAt: parsed.issuedAt,
      expiresAt: parsed.expiresAt ?? parsed.issuedAt + this.config.lifetimeSeconds,
      nonce: parsed.nonce,
    };
    if (!isWellFormedSet(attributes, claims.userId)) return { valid: false, reason: 'mismatch', nonce: parsed.nonce };
    const expected = computeMac(key.secret, claims, this.deploymentId, attributes);
    if (!timingSafeEqual(parsed.mac, expected)) return { valid: false, reason: 'mismatch', nonce: parsed.nonce };
    if (claims.userId !== userId) return { valid: false, reason: 'identity_mismatch', nonce: parsed.nonce };
    return { valid: true, claims };
  }

  private get deploymentId(): string {
    return this.genesys.deploymentId ?? '';
  }
}

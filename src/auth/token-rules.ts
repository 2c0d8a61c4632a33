import { LRUCache } from 'lru-cache';

/**
 * This service's own rules for callers' JWTs, beyond the signature and time checks jsonwebtoken
 * makes. Pure functions (and a header reader that remembers); the strategy applies them.
 */

/** A token refused by one of these rules: a stable code for the 401's details, and a message. */
export class TokenRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TokenRefusal';
  }
}

/** A JOSE header is a few dozen bytes; a longer first segment is refused before it is decoded. */
export const MAX_HEADER_CHARACTERS = 2048;

export interface TokenHeader {
  kid?: string;
}

const invalid = (message: string) => new TokenRefusal('token_invalid', message);

/**
 * The token's header, read before any key is looked up: bounded, a JSON object, and without
 * `crit`, whose parameters a recipient must understand or reject (RFC 7515, 4.1.11); this
 * service understands none.
 */
export function readTokenHeader(token: string): TokenHeader | TokenRefusal {
  const end = token.indexOf('.');
  if (end <= 0 || end > MAX_HEADER_CHARACTERS) return invalid('The token is not valid.');
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, end), 'base64url').toString('utf8'));
  } catch {
    return invalid('The token is not valid.');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return invalid('The token is not valid.');
  if (Object.hasOwn(header, 'crit'))
    return invalid('The token names critical header parameters this service does not understand.');
  const kid = (header as { kid?: unknown }).kid;
  return typeof kid === 'string' ? { kid } : {};
}

/** Accepted headers a reader remembers: an issuer writes one per key and algorithm. */
const REMEMBERED_HEADERS = 64;

/**
 * readTokenHeader, remembering the headers it accepted by their encoded form: an issuer writes the
 * same few headers into every token, and decoding each again cost about 0.6 % of the config
 * endpoint's CPU (docs/performance.md). Bounded, least recently used out first, as callers choose
 * headers too; a refused header is decoded again each time.
 */
export function rememberingHeaderReader(): (token: string) => TokenHeader | TokenRefusal {
  const remembered = new LRUCache<string, TokenHeader>({ max: REMEMBERED_HEADERS });
  return (token) => {
    const end = token.indexOf('.');
    const encoded = end > 0 && end <= MAX_HEADER_CHARACTERS ? token.slice(0, end) : undefined;
    const known = encoded === undefined ? undefined : remembered.get(encoded);
    if (known) return known;
    const header = readTokenHeader(token);
    if (encoded !== undefined && !(header instanceof TokenRefusal)) remembered.set(encoded, Object.freeze(header));
    return header;
  };
}

export interface ClaimRules {
  clockToleranceSeconds: number;
  /** Longest time from issue (or from now, without `iat`) to expiry; 0 for no limit. */
  maxLifetimeSeconds: number;
  /** The `iss` a token must name, when set. */
  issuer?: string;
  /** A value `aud` (a string or a list) must hold, when set. */
  audience?: string;
}

/** What is wrong with a verified token's audience, issuer or time claims, or undefined when nothing is. */
export function claimRuleViolation(
  payload: Readonly<Record<string, unknown>>,
  nowSeconds: number,
  rules: ClaimRules,
): TokenRefusal | undefined {
  const { exp, iat, iss, aud } = payload;
  if (
    rules.audience !== undefined &&
    !(aud === rules.audience || (Array.isArray(aud) && aud.includes(rules.audience)))
  ) {
    const message =
      aud === undefined
        ? `The token names no audience (aud); this service accepts "${rules.audience}".`
        : 'The token is meant for another audience.';
    return new TokenRefusal('audience_mismatch', message);
  }
  if (rules.issuer !== undefined && iss !== rules.issuer) {
    const message =
      iss === undefined
        ? 'The token names no issuer (iss).'
        : 'The token comes from an issuer this service does not trust.';
    return new TokenRefusal('issuer_mismatch', message);
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    return new TokenRefusal('token_without_expiry', 'The token must have an expiry (exp).');
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat)))
    return invalid('The token is not valid.');
  if (typeof iat === 'number' && iat > nowSeconds + rules.clockToleranceSeconds) {
    return new TokenRefusal('token_issued_in_future', 'The token claims to be issued in the future.');
  }
  if (rules.maxLifetimeSeconds > 0 && exp - (iat ?? nowSeconds) > rules.maxLifetimeSeconds) {
    return new TokenRefusal('token_lifetime_too_long', `The token lives longer than ${rules.maxLifetimeSeconds} s.`);
  }
  return undefined;
}

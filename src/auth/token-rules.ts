/**
 * This service's own rules for callers' JWTs, beyond the signature and time checks jsonwebtoken
 * makes. Pure functions; the strategy applies them.
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

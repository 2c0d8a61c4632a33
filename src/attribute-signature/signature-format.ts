import { createHmac, type KeyObject } from 'node:crypto';

/**
 * The wire format of attribute signatures, as pure functions: encoding, strict parsing and the
 * bytes the MAC covers. Everything here treats the token as hostile: lengths are checked before
 * anything is split or decoded, numbers must be canonical decimal integers in a sane range, and
 * base64url must be the one canonical encoding of its bytes.
 *
 * v2 (issued): `v2.<kid>.<issuedAt>.<expiresAt>.<nonce>.<mac>`, at most 102 characters, so it
 *   stays far inside the 256-character value limit of Architect bot flows. The MAC covers, each
 *   length-prefixed: a domain label, version, kid, deployment id, user id, issue time, expiry,
 *   nonce, the number of attributes and the attribute pairs sorted by name. The user id is not in
 *   the token: it is the value of the registry's identity attribute, so the two cannot disagree.
 * v1 (verified only, for the 0.2 release line): `v1.<kid>.<base64url JSON {u,t,n}>.<mac>` with a
 *   newline-joined MAC input; accepted only when unambiguous (no newline in any field) and when
 *   `u` equals the identity attribute. It carries no expiry: the configured lifetime applies.
 */

export type SignatureVersion = 'v1' | 'v2';

/** What a signature vouches for besides the attributes themselves; times in seconds since the epoch. */
export interface SignatureClaims {
  version: SignatureVersion;
  kid: string;
  userId: string;
  issuedAt: number;
  expiresAt: number;
  /** Names the issued set in the ledger; the same for the same visitor, deployment, key and set (see setNonce). */
  nonce: string;
}

/** A token as read, before its MAC is checked: nothing in it is a fact yet. */
export interface ParsedSignature {
  version: SignatureVersion;
  kid: string;
  issuedAt: number;
  /** v2 only; v1 tokens expire after the configured lifetime. */
  expiresAt?: number;
  nonce: string;
  /** v1 only: the user id the token names. */
  userId?: string;
  mac: Buffer;
}

/**
 * Longer input is refused before it is split: a v2 token is at most 102 characters, a v1 token with a 256-character
 * user id about 440.
 */
const MAX_SIGNATURE_LENGTH = 512;
/**
 * Earliest and latest issue time accepted (2020-01-01 and 2100-01-01): anything outside is not a time this service
 * wrote.
 */
const EARLIEST_ISSUE_SECONDS = 1_577_836_800;
const LATEST_ISSUE_SECONDS = 4_102_444_800;
/** Longest lifetime a signature may claim (30 days); the configured one is at most a day. */
const MAX_LIFETIME_SECONDS = 2_592_000;

const MAC_BYTES = 32;
const NONCE_BYTES = 12;
const KID = /^[A-Za-z0-9_-]{1,16}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Ten digits, no leading zero: canonical decimal seconds (2001 to 2286); the range check narrows it. */
const SECONDS = /^[1-9][0-9]{9}$/;
const MAX_V1_USER_ID_LENGTH = 256;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const V2_DOMAIN = 'wm-attribute-gateway/attributes';

/**
 * Bytes of `text` as base64url, only when `text` is the canonical encoding of exactly `length` bytes (any length when
 * omitted).
 */
function strictBase64url(text: string, length?: number): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  if (length !== undefined && bytes.length !== length) return undefined;
  return bytes.toString('base64url') === text ? bytes : undefined;
}

const isIssueTime = (seconds: number) =>
  Number.isSafeInteger(seconds) && seconds >= EARLIEST_ISSUE_SECONDS && seconds <= LATEST_ISSUE_SECONDS;

function parseV2(parts: readonly string[]): ParsedSignature | undefined {
  if (parts.length !== 6) return undefined;
  const [, kid, issued, expires, nonce, encodedMac] = parts;
  if (!KID.test(kid) || !SECONDS.test(issued) || !SECONDS.test(expires)) return undefined;
  const issuedAt = Number(issued);
  const expiresAt = Number(expires);
  if (!isIssueTime(issuedAt) || expiresAt <= issuedAt || expiresAt - issuedAt > MAX_LIFETIME_SECONDS) return undefined;
  const mac = strictBase64url(encodedMac, MAC_BYTES);
  if (!strictBase64url(nonce, NONCE_BYTES) || !mac) return undefined;
  return { version: 'v2', kid, issuedAt, expiresAt, nonce, mac };
}

function parseV1(parts: readonly string[]): ParsedSignature | undefined {
  if (parts.length !== 4) return undefined;
  const [, kid, encodedClaims, encodedMac] = parts;
  const claimBytes = strictBase64url(encodedClaims);
  const mac = strictBase64url(encodedMac, MAC_BYTES);
  if (!KID.test(kid) || !claimBytes || !mac) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(claimBytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return undefined;
  const { u, t, n } = decoded as { u?: unknown; t?: unknown; n?: unknown };
  if (typeof u !== 'string' || u.length === 0 || u.length > MAX_V1_USER_ID_LENGTH || CONTROL_CHARACTER.test(u))
    return undefined;
  if (typeof t !== 'number' || !isIssueTime(t)) return undefined;
  if (typeof n !== 'string' || !strictBase64url(n, NONCE_BYTES)) return undefined;
  return { version: 'v1', kid, issuedAt: t, nonce: n, userId: u, mac };
}

/** Reads a token strictly; undefined when it is not exactly a well-formed v1 or v2 signature. */
export function parseSignature(token: string): ParsedSignature | undefined {
  if (token.length > MAX_SIGNATURE_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts[0] === 'v2') return parseV2(parts);
  if (parts[0] === 'v1') return parseV1(parts);
  return undefined;
}

/**
 * With the u flag a surrogate pair is one code point, so this matches only a lone surrogate: linear, no backtracking.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Whether text is well-formed UTF-16. UTF-8 encoding replaces a lone surrogate with U+FFFD, so
 * "a\uD800b" and "a\uFFFDb" would feed the MAC the same bytes: only well-formed text is signed,
 * and text that is not cannot be what was signed.
 */
export const isWellFormedText = (text: string): boolean => !LONE_SURROGATE.test(text);

/** Whether every name and value, and the user id, is well-formed (isWellFormedText). */
export function isWellFormedSet(attributes: Readonly<Record<string, string>>, userId: string): boolean {
  if (!isWellFormedText(userId)) return false;
  for (const [name, value] of Object.entries(attributes))
    if (!isWellFormedText(name) || !isWellFormedText(value)) return false;
  return true;
}

/**
 * The attribute names in a fixed order (UTF-16 code units), so the MAC does not depend on the order they arrived in.
 */
const sortedNames = (attributes: Readonly<Record<string, string>>) => Object.keys(attributes).sort();

/** What a v2 MAC covers: every field prefixed with its UTF-8 length, so no field can run into the next. */
function v2Input(claims: SignatureClaims, deploymentId: string, attributes: Readonly<Record<string, string>>): string {
  const names = sortedNames(attributes);
  const fields = [
    V2_DOMAIN,
    'v2',
    claims.kid,
    deploymentId,
    claims.userId,
    String(claims.issuedAt),
    String(claims.expiresAt),
    claims.nonce,
    String(names.length),
  ];
  for (const name of names) fields.push(name, attributes[name]);
  return lengthPrefixed(fields);
}

/** Every field prefixed with its UTF-8 length, so no field can run into the next. */
function lengthPrefixed(fields: readonly string[]): string {
  let input = '';
  for (const field of fields) input += `${Buffer.byteLength(field, 'utf8')}:${field}`;
  return input;
}

/**
 * v1's input: newline-joined, unambiguous only because parseV1 refuses newlines in the user id and kids and nonces
 * cannot hold one.
 */
function v1Input(claims: SignatureClaims, attributes: Readonly<Record<string, string>>): string {
  const pairs = JSON.stringify(sortedNames(attributes).map((name) => [name, attributes[name]]));
  return ['v1', claims.kid, claims.userId, String(claims.issuedAt), claims.nonce, pairs].join('\n');
}

export function computeMac(
  secret: KeyObject,
  claims: SignatureClaims,
  deploymentId: string,
  attributes: Readonly<Record<string, string>>,
): Buffer {
  const input = claims.version === 'v2' ? v2Input(claims, deploymentId, attributes) : v1Input(claims, attributes);
  return createHmac('sha256', secret).update(input, 'utf8').digest();
}

const NONCE_DOMAIN = 'wm-attribute-gateway/set-nonce';

/**
 * The nonce of a v2 signature: a keyed digest of what the set is, so that issuing an unchanged
 * set again (every page load does) names the same ledger entry instead of adding one. Keyed, so
 * nobody without the signing key can tell which nonce a set would get; truncated to 96 bits.
 */
export function setNonce(
  secret: KeyObject,
  kid: string,
  deploymentId: string,
  userId: string,
  attributes: Readonly<Record<string, string>>,
): string {
  const names = sortedNames(attributes);
  const fields = [NONCE_DOMAIN, kid, deploymentId, userId, String(names.length)];
  for (const name of names) fields.push(name, attributes[name]);
  return createHmac('sha256', secret)
    .update(lengthPrefixed(fields), 'utf8')
    .digest()
    .toString('base64url', 0, NONCE_BYTES);
}

/** The v2 token for claims and their MAC. */
export function formatSignature(claims: SignatureClaims, mac: Buffer): string {
  return `v2.${claims.kid}.${claims.issuedAt}.${claims.expiresAt}.${claims.nonce}.${mac.toString('base64url')}`;
}

/**
 * Allowance for clocks that disagree (ours, Genesys's): issue times this far after the reference still count as before
 * it.
 */
export const CLOCK_SKEW_SECONDS = 60;

export type SignatureTiming = 'current' | 'expired' | 'not_yet_valid';

/**
 * Whether claims were in force at `atSeconds` (a conversation's start, or now): issued no later
 * than that (give or take the clock skew) and not expired before it.
 */
export function judgeTiming(
  claims: Pick<SignatureClaims, 'issuedAt' | 'expiresAt'>,
  atSeconds: number,
): SignatureTiming {
  if (claims.issuedAt > atSeconds + CLOCK_SKEW_SECONDS) return 'not_yet_valid';
  if (claims.expiresAt + CLOCK_SKEW_SECONDS < atSeconds) return 'expired';
  return 'current';
}

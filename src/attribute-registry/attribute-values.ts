import { isWellFormedText } from '../attribute-signature/signature-format';
import type { AttributeDefinition } from './attribute-definition';

/** A value Genesys will store (always a string), or why it cannot be issued. */
export type Serialised = { ok: true; value: string } | { ok: false; code: string; message: string };

/** The longest address SMTP can carry (RFC 5321's 254-character path). */
const MAX_EMAIL_LENGTH = 254;
const WHITESPACE = /\s/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
/**
 * A date (read as UTC), or a date and time with its offset: without one, Date.parse would use the server's time zone.
 */
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const SECRET_SHAPES: readonly RegExp[] = [
  /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/, // a JWT
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(password|passwd|pwd|secret|api[_-]?key|token)\s*[:=]/i,
  /^(sk|rk)_(live|test)_[\w]{10,}$/, // payment provider secret keys
  /^AKIA[0-9A-Z]{16}$/, // cloud access key ids
  /^Bearer\s+\S+/i,
];

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes (IIN ranges) and the lengths each network issues, for the networks in wide use. */
const CARD_NETWORKS: readonly { prefixes: readonly [number, number][]; lengths: readonly number[] }[] = [
  { prefixes: [[4, 4]], lengths: [13, 16, 19] }, // Visa
  {
    prefixes: [
      [51, 55],
      [2221, 2720],
    ],
    lengths: [16],
  }, // Mastercard
  {
    prefixes: [
      [34, 34],
      [37, 37],
    ],
    lengths: [15],
  }, // American Express
  {
    prefixes: [
      [6011, 6011],
      [644, 649],
      [65, 65],
    ],
    lengths: [16, 17, 18, 19],
  }, // Discover
  { prefixes: [[3528, 3589]], lengths: [16, 17, 18, 19] }, // JCB
  {
    prefixes: [
      [300, 305],
      [36, 36],
      [38, 39],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  }, // Diners Club
  { prefixes: [[62, 62]], lengths: [16, 17, 18, 19] }, // UnionPay
  {
    prefixes: [
      [5018, 5018],
      [5020, 5020],
      [5038, 5038],
      [5893, 5893],
      [6304, 6304],
      [6759, 6759],
      [6761, 6763],
    ],
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
  }, // Maestro
];

const issuedByANetwork = (digits: string): boolean =>
  CARD_NETWORKS.some(
    (network) =>
      network.lengths.includes(digits.length) &&
      network.prefixes.some(([from, to]) => {
        const prefix = Number(digits.slice(0, String(from).length));
        return prefix >= from && prefix <= to;
      }),
  );

/**
 * Runs of digits with at most one separator (space, dash, underscore, dot, slash) between any two;
 * linear: each repetition takes exactly one digit.
 */
const DIGIT_RUN = /\d(?:[\s_./-]?\d)*/g;

/** Whether the value holds a digit run of a card number's length, issuer prefix and Luhn checksum. */
export function looksLikeCardNumber(value: string): boolean {
  // Most values (names, tiers, dates) hold fewer digits than the shortest card: skip the pattern for them.
  let digits = 0;
  for (let index = 0; index < value.length && digits < 12; index += 1) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) digits += 1;
  }
  if (digits < 12) return false;
  for (const [run] of value.matchAll(DIGIT_RUN)) {
    const digits = run.replace(/\D/g, '');
    if (digits.length >= 12 && digits.length <= 19 && issuedByANetwork(digits) && passesLuhn(digits)) return true;
  }
  return false;
}

export function looksLikeSecret(value: string): boolean {
  const trimmed = value.trim();
  return SECRET_SHAPES.some((shape) => shape.test(trimmed));
}

/**
 * local@domain with one @, no whitespace, and a dot inside the domain with something on both
 * sides. Written out rather than as the usual `^[^\s@]+@[^\s@]+\.[^\s@]+$`, which backtracks
 * quadratically on "a@...@" (5 s for 64 KB of dots); bounded by length first.
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > MAX_EMAIL_LENGTH || WHITESPACE.test(value)) return false;
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@')) return false;
  const domain = value.slice(at + 1);
  const dot = domain.indexOf('.', 1);
  return dot !== -1 && dot < domain.length - 1;
}

/** An email address, or a phone number (at least 9 digits with the usual separators). */
const looksLikePersonalData = (value: string): boolean =>
  isEmailAddress(value) || (PHONE.test(value) && value.replace(/\D/g, '').length >= 9);

/** Plain decimal, never an exponent: 1e21 becomes "1000000000000000000000". */
function plainDecimal(value: number): string {
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

const tooLong = (definition: AttributeDefinition, length: number): Serialised => ({
  ok: false,
  code: 'too_long',
  message: `${definition.name} is ${length} characters; at most ${definition.maxLength}`,
});

function wrongTypeOf(definition: AttributeDefinition, expected: string): Serialised {
  return { ok: false, code: 'wrong_type', message: `${definition.name} must be ${expected}` };
}

function serialiseByType(definition: AttributeDefinition, raw: unknown): Serialised {
  switch (definition.type) {
    case 'text':
      return typeof raw === 'string' ? { ok: true, value: raw } : wrongTypeOf(definition, 'a string');
    case 'email':
      return typeof raw === 'string' && isEmailAddress(raw)
        ? { ok: true, value: raw }
        : wrongTypeOf(definition, 'an email address');
    case 'number': {
      const number =
        typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      return Number.isFinite(number)
        ? { ok: true, value: plainDecimal(number) }
        : wrongTypeOf(definition, 'a finite number');
    }
    case 'boolean':
      if (typeof raw === 'boolean') return { ok: true, value: String(raw) };
      return raw === 'true' || raw === 'false' ? { ok: true, value: raw } : wrongTypeOf(definition, 'true or false');
    case 'datetime': {
      const text = typeof raw === 'string' && ISO_DATETIME.test(raw) ? raw : undefined;
      const time = text === undefined ? Number.NaN : Date.parse(text);
      return Number.isNaN(time)
        ? wrongTypeOf(definition, 'an ISO 8601 date, or date-time with an offset (Z or +hh:mm)')
        : { ok: true, value: new Date(time).toISOString() };
    }
    case 'enum':
      return typeof raw === 'string' && definition.values?.includes(raw)
        ? { ok: true, value: raw }
        : wrongTypeOf(definition, `one of ${definition.values?.join(', ')}`);
  }
}

/**
 * Checks one value against its definition and serialises it to the string Genesys stores
 * (numbers in plain decimal, booleans true/false, datetimes as UTC ISO 8601). Secrets are refused
 * whatever the definition says, card numbers everywhere but in identifiers constrained by a pattern.
 */
export function serialiseAttribute(definition: AttributeDefinition, raw: unknown): Serialised {
  // Length before any pattern: no check below ever sees more than maxLength (at most 1024) characters.
  if (typeof raw === 'string' && raw.length > definition.maxLength) return tooLong(definition, raw.length);
  if (typeof raw === 'string' && !isWellFormedText(raw)) {
    return {
      ok: false,
      code: 'malformed_text',
      message: `${definition.name} holds a lone surrogate (text that is not well-formed UTF-16), which cannot be signed unambiguously`,
    };
  }
  const serialised = serialiseByType(definition, raw);
  if (!serialised.ok) return serialised;
  const value = serialised.value;
  if (value.length > definition.maxLength) return tooLong(definition, value.length);
  // An identifier the registry constrains with a pattern is the caller's own id scheme: a numeric id may pass Luhn by
  // chance (1 in 10).
  const constrainedIdentifier = definition.pii === 'identifier' && definition.pattern !== undefined;
  // What toISOString wrote (a four-digit year: eight digits in a run at the most) or "true"/"false" can hold neither a
  // card number nor a secret's shape. Checking them anyway cost 3 % of the config endpoint's CPU (docs/performance.md).
  const writtenByUs = definition.type === 'datetime' || definition.type === 'boolean';
  if (!writtenByUs && !constrainedIdentifier && looksLikeCardNumber(value)) {
    return {
      ok: false,
      code: 'payment_card_number',
      message: `${definition.name} looks like a payment card number; card data must never be sent`,
    };
  }
  if (!writtenByUs && looksLikeSecret(value)) {
    return {
      ok: false,
      code: 'secret_value',
      message: `${definition.name} looks like a password, key or token; secrets must never be sent`,
    };
  }
  if (definition.pattern && !definition.pattern.test(value)) {
    return {
      ok: false,
      code: 'pattern_mismatch',
      message: `${definition.name} does not match ${definition.pattern.source}`,
    };
  }
  const freeText = definition.type === 'text' || definition.type === 'enum';
  if (definition.pii === 'none' && freeText && looksLikePersonalData(value)) {
    return {
      ok: false,
      code: 'personal_data',
      message: `${definition.name} looks like personal data, but the registry says it holds none (pii: none)`,
    };
  }
  return { ok: true, value };
}

import type { AttributeDefinition } from './registry/attribute-definition';

/** A value Genesys will store (always a string), or why it cannot be issued. */
export type Serialised = { ok: true; value: string } | { ok: false; code: string; message: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
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

/** 13 to 19 digits (spaces and dashes allowed between) that pass the Luhn check. */
export function looksLikeCardNumber(value: string): boolean {
  const compact = value.replace(/[\s-]/g, '');
  return /^\d{13,19}$/.test(compact) && passesLuhn(compact);
}

export function looksLikeSecret(value: string): boolean {
  const trimmed = value.trim();
  return SECRET_SHAPES.some((shape) => shape.test(trimmed));
}

/** An email address, or a phone number (at least 9 digits with the usual separators). */
const looksLikePersonalData = (value: string): boolean => EMAIL.test(value) || (PHONE.test(value) && value.replace(/\D/g, '').length >= 9);

/** Plain decimal, never an exponent: 1e21 becomes "1000000000000000000000". */
function plainDecimal(value: number): string {
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

function wrongTypeOf(definition: AttributeDefinition, expected: string): Serialised {
  return { ok: false, code: 'wrong_type', message: `${definition.name} must be ${expected}` };
}

function serialiseByType(definition: AttributeDefinition, raw: unknown): Serialised {
  switch (definition.type) {
    case 'text':
      return typeof raw === 'string' ? { ok: true, value: raw } : wrongTypeOf(definition, 'a string');
    case 'email':
      return typeof raw === 'string' && EMAIL.test(raw) ? { ok: true, value: raw } : wrongTypeOf(definition, 'an email address');
    case 'number': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      return Number.isFinite(number) ? { ok: true, value: plainDecimal(number) } : wrongTypeOf(definition, 'a finite number');
    }
    case 'boolean':
      if (typeof raw === 'boolean') return { ok: true, value: String(raw) };
      return raw === 'true' || raw === 'false' ? { ok: true, value: raw } : wrongTypeOf(definition, 'true or false');
    case 'datetime': {
      const text = typeof raw === 'string' && ISO_DATETIME.test(raw) ? raw : undefined;
      const time = text === undefined ? Number.NaN : Date.parse(text);
      return Number.isNaN(time) ? wrongTypeOf(definition, 'an ISO 8601 date-time') : { ok: true, value: new Date(time).toISOString() };
    }
    case 'enum':
      return typeof raw === 'string' && definition.values?.includes(raw)
        ? { ok: true, value: raw }
        : wrongTypeOf(definition, `one of ${definition.values?.join(', ')}`);
  }
}

/**
 * Checks one value against its definition and serialises it to the string Genesys stores
 * (numbers in plain decimal, booleans true/false, datetimes as UTC ISO 8601). Card numbers and
 * secrets are refused whatever the definition says.
 */
export function serialiseAttribute(definition: AttributeDefinition, raw: unknown): Serialised {
  const serialised = serialiseByType(definition, raw);
  if (!serialised.ok) return serialised;
  const value = serialised.value;
  if (looksLikeCardNumber(value)) {
    return { ok: false, code: 'payment_card_number', message: `${definition.name} looks like a payment card number; card data must never be sent` };
  }
  if (looksLikeSecret(value)) {
    return { ok: false, code: 'secret_value', message: `${definition.name} looks like a password, key or token; secrets must never be sent` };
  }
  if (value.length > definition.maxLength) {
    return { ok: false, code: 'too_long', message: `${definition.name} is ${value.length} characters; at most ${definition.maxLength}` };
  }
  if (definition.pattern && !definition.pattern.test(value)) {
    return { ok: false, code: 'pattern_mismatch', message: `${definition.name} does not match ${definition.pattern.source}` };
  }
  const freeText = definition.type === 'text' || definition.type === 'enum';
  if (definition.pii === 'none' && freeText && looksLikePersonalData(value)) {
    return { ok: false, code: 'personal_data', message: `${definition.name} looks like personal data, but the registry says it holds none (pii: none)` };
  }
  return { ok: true, value };
}

import type { AttributeDefinition } from './attribute-definition';
import { isEmailAddress, looksLikeCardNumber, looksLikeSecret, serialiseAttribute } from './attribute-values';

const definition = (overrides: Partial<AttributeDefinition>): AttributeDefinition => ({
  name: 'field',
  description: '',
  type: 'text',
  source: 'request',
  required: false,
  maxLength: 256,
  pii: 'personal',
  trust: 'signed',
  ...overrides,
});

/** 64 KB strings shaped to make backtracking patterns explode, and the plain worst cases. */
const KB64 = 64 * 1024;
const ADVERSARIAL: Record<string, string> = {
  'email-like dots': `a@${'.'.repeat(KB64)}@`,
  'email-like dots without the last @': `a@${'.'.repeat(KB64)}`,
  'at signs': '@'.repeat(KB64),
  'spaces then a colon': `password${' '.repeat(KB64)}`,
  'private key header': `-----BEGIN ${'A '.repeat(KB64 / 2)}`,
  digits: '4'.repeat(KB64),
  'digits and dashes': '4-'.repeat(KB64 / 2),
  'datetime-like': `2026-10-30T10:15:00.${'1'.repeat(KB64)}`,
  'JWT-like': `eyJ${'a'.repeat(KB64)}.`,
};

/** Generous: a linear pass over 64 KB takes well under a millisecond; a quadratic one, seconds. */
const BOUND_MS = 250;

function elapsedMs(run: () => unknown): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

describe('attribute values on hostile input', () => {
  const types: AttributeDefinition['type'][] = ['text', 'email', 'number', 'boolean', 'datetime', 'enum'];

  it.each(Object.entries(ADVERSARIAL))(
    'checks %s (64 KB) against every type in bounded time, refusing it as too long',
    (_label, value) => {
      for (const type of types) {
        const result = { value: undefined as unknown };
        const ms = elapsedMs(
          () => (result.value = serialiseAttribute(definition({ type, values: ['a'], pii: 'none' }), value)),
        );
        expect({ type, ms: ms < BOUND_MS }).toEqual({ type, ms: true });
        expect(result.value).toMatchObject({ ok: false, code: 'too_long' });
      }
    },
  );

  it.each(Object.entries(ADVERSARIAL))(
    'runs the card, secret and email checks on %s (64 KB) in bounded time',
    (_label, value) => {
      expect(elapsedMs(() => [looksLikeCardNumber(value), looksLikeSecret(value), isEmailAddress(value)])).toBeLessThan(
        BOUND_MS,
      );
    },
  );
});

describe('isEmailAddress', () => {
  it.each(['jane@example.com', 'a.b+c@mail.example.co.uk', 'x@y.z', 'j@a.b.'])('accepts %s', (value) =>
    expect(isEmailAddress(value)).toBe(true),
  );
  it.each([
    'jane',
    '@example.com',
    'jane@',
    'jane@example',
    'jane@.com',
    'jane@example.',
    'ja ne@example.com',
    'a@b@c.com',
    `${'a'.repeat(250)}@b.cd`,
  ])('refuses %s', (value) => expect(isEmailAddress(value)).toBe(false));
});

describe('looksLikeCardNumber', () => {
  it.each([
    '4111111111111111',
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '4111_1111_1111_1111',
    '4111.1111.1111.1111',
    '4111/1111/1111/1111',
    'card 4111 1111 1111 1111, expires 12/29',
    '378282246310005',
    '5555555555554444',
    '2223003122003222',
    '6011111111111117',
    '4222222222222',
  ])('finds a card number in %s', (value) => expect(looksLikeCardNumber(value)).toBe(true));

  it.each([
    ['a failed checksum', '4111111111111112'],
    ['a checksum-valid number no network issues', '1234567812345670'],
    ['a Visa prefix at a length Visa does not issue', '41111111111111111'],
    ['two separators in a row', '4111--1111--1111--1111'],
    ['a date-time', '2026-10-30T09:15:00.000Z'],
    ['a phone number', '+44 20 7946 0958'],
  ])('finds none in %s', (_label, value) => expect(looksLikeCardNumber(value)).toBe(false));

  it('leaves 100 consecutive 19-digit numeric ids alone in an identifier the registry constrains with a pattern', () => {
    const identifier = definition({ name: 'userId', pii: 'identifier', pattern: /^[0-9]+$/, maxLength: 64 });
    const ids = Array.from({ length: 100 }, (_, index) => String(4_000_000_000_000_000_000n + BigInt(index)));
    expect(ids.filter((id) => looksLikeCardNumber(id))).toHaveLength(10);
    expect(ids.filter((id) => !serialiseAttribute(identifier, id).ok)).toEqual([]);
  });
});

describe('datetime values', () => {
  const datetime = definition({ type: 'datetime', pii: 'none' });

  it.each([
    ['2026-10-30T23:30:00-02:00', '2026-10-31T01:30:00.000Z'],
    ['2026-10-30T09:15:00Z', '2026-10-30T09:15:00.000Z'],
    ['2026-10-30', '2026-10-30T00:00:00.000Z'],
  ])('reads %s as %s, whatever the server time zone', (raw, value) => {
    expect(serialiseAttribute(datetime, raw)).toEqual({ ok: true, value });
  });

  it('writes values that neither the card number nor the secret check could refuse, so neither runs on them', () => {
    // Dates spread over every four-digit year ISO_DATETIME accepts, from a fixed seed.
    let seed = 0x2026;
    const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    const earliest = Date.parse('0000-01-01T00:00:00.000Z');
    const span = Date.parse('9999-12-31T23:59:59.999Z') - earliest;
    const written = Array.from({ length: 20_000 }, () => new Date(earliest + Math.floor(next() * span)).toISOString());
    written.push('0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', 'true', 'false');
    expect(written.filter((value) => looksLikeCardNumber(value) || looksLikeSecret(value))).toEqual([]);
    const serialised = written.slice(0, 100).map((value) => serialiseAttribute(datetime, value));
    expect(serialised.filter((result) => !result.ok)).toEqual([]);
  });

  it('refuses a date-time without an offset, which would be read in the server time zone', () => {
    expect(serialiseAttribute(datetime, '2026-10-30T10:15:00')).toMatchObject({ ok: false, code: 'wrong_type' });
  });
});

import { CLOCK_SKEW_SECONDS, judgeTiming, parseSignature } from './signature-format';

describe('judgeTiming', () => {
  const claims = { issuedAt: 1_795_597_200, expiresAt: 1_795_597_200 + 3600 };

  it.each([
    ['at the issue time', claims.issuedAt, 'current'],
    ['within the lifetime', claims.issuedAt + 1800, 'current'],
    ['just after expiry, within the clock skew', claims.expiresAt + CLOCK_SKEW_SECONDS, 'current'],
    ['after expiry and the clock skew', claims.expiresAt + CLOCK_SKEW_SECONDS + 1, 'expired'],
    ['a month later', claims.issuedAt + 30 * 86400, 'expired'],
    ['before the issue time, within the clock skew', claims.issuedAt - CLOCK_SKEW_SECONDS, 'current'],
    ['before the issue time, beyond the clock skew', claims.issuedAt - CLOCK_SKEW_SECONDS - 1, 'not_yet_valid'],
  ])('judges a reference time %s as %s', (_label, at, timing) => {
    expect(judgeTiming(claims, at)).toBe(timing);
  });
});

describe('parseSignature', () => {
  it('reads a v2 token', () => {
    const mac = Buffer.alloc(32, 7).toString('base64url');
    expect(parseSignature(`v2.k1.1795597200.1795600800.AAAAAAAAAAAAAAAA.${mac}`)).toEqual({
      version: 'v2',
      kid: 'k1',
      issuedAt: 1_795_597_200,
      expiresAt: 1_795_600_800,
      nonce: 'AAAAAAAAAAAAAAAA',
      mac: Buffer.alloc(32, 7),
    });
  });

  it.each([
    ['empty', ''],
    ['a bare version', 'v2'],
    ['dots only', '.....'],
    ['a kid that is too long', `v2.${'k'.repeat(17)}.1795597200.1795600800.AAAAAAAAAAAAAAAA.${'A'.repeat(43)}`],
    ['a kid with a space', `v2.k 1.1795597200.1795600800.AAAAAAAAAAAAAAAA.${'A'.repeat(43)}`],
    ['a short MAC', `v2.k1.1795597200.1795600800.AAAAAAAAAAAAAAAA.${'A'.repeat(42)}`],
    ['a nonce with a plus', `v2.k1.1795597200.1795600800.AAAAAAAAAAAAAAA+.${'A'.repeat(43)}`],
    ['an issue time before 2020', `v2.k1.1500000000.1500003600.AAAAAAAAAAAAAAAA.${'A'.repeat(43)}`],
    ['over 512 characters', `v2.k1.1795597200.1795600800.AAAAAAAAAAAAAAAA.${'A'.repeat(500)}`],
  ])('refuses %s', (_label, token) => {
    expect(parseSignature(token)).toBeUndefined();
  });

  it('refuses a 100 kB string of dots by its length, before splitting it', () => {
    expect(parseSignature('.'.repeat(100_000))).toBeUndefined();
  });
});

import {
  MAX_HEADER_CHARACTERS,
  TokenRefusal,
  claimRuleViolation,
  readTokenHeader,
  rememberingHeaderReader,
} from './token-rules';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const NOW = 1_795_600_000;
const rules = { clockToleranceSeconds: 30, maxLifetimeSeconds: 86400 };
const code = (result: unknown) => (result instanceof TokenRefusal ? result.code : result);

describe('readTokenHeader', () => {
  it('reads the key id of a well-formed header', () => {
    expect(readTokenHeader(`${b64({ alg: 'RS256', kid: 'k1' })}.e30.sig`)).toEqual({ kid: 'k1' });
    expect(readTokenHeader(`${b64({ alg: 'HS256' })}.e30.sig`)).toEqual({});
  });

  it.each([
    ['a crit header', `${b64({ alg: 'HS256', crit: ['exp'], exp: 1 })}.e30.sig`],
    ['a header that is not JSON', 'bm90IGpzb24.e30.sig'],
    ['a header that is an array', `${b64(['HS256'])}.e30.sig`],
    ['no header at all', '.e30.sig'],
    ['no dots', 'abc'],
    ['a header longer than the limit', `${'A'.repeat(MAX_HEADER_CHARACTERS + 1)}.e30.sig`],
  ])('refuses %s as token_invalid', (_label, token) => {
    expect(code(readTokenHeader(token))).toBe('token_invalid');
  });
});

describe('rememberingHeaderReader', () => {
  it('decodes an accepted header once, and answers what readTokenHeader answers', () => {
    const read = rememberingHeaderReader();
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const header = `${b64({ alg: 'RS256', kid: 'k1' })}`;
      const first = read(`${header}.e30.one`);
      expect(read(`${header}.e30.two`)).toBe(first);
      expect(first).toEqual({ kid: 'k1' });
      expect(parse).toHaveBeenCalledTimes(1);
      expect(Object.isFrozen(first)).toBe(true);
    } finally {
      parse.mockRestore();
    }
  });

  it('refuses a refused header every time, and still reads after more distinct headers than it keeps', () => {
    const read = rememberingHeaderReader();
    const crit = `${b64({ alg: 'HS256', crit: ['exp'], exp: 1 })}.e30.sig`;
    expect(code(read(crit))).toBe('token_invalid');
    expect(code(read(crit))).toBe('token_invalid');
    for (let index = 0; index < 200; index += 1)
      expect(read(`${b64({ alg: 'HS256', kid: `k${index}` })}.e30.sig`)).toEqual({ kid: `k${index}` });
    expect(read(`${b64({ alg: 'HS256', kid: 'k0' })}.e30.sig`)).toEqual({ kid: 'k0' });
    expect(code(read(`${'A'.repeat(MAX_HEADER_CHARACTERS + 1)}.e30.sig`))).toBe('token_invalid');
  });
});

describe('claimRuleViolation', () => {
  it.each([
    ['no exp', { iat: NOW }, 'token_without_expiry'],
    ['exp as a string', { exp: String(NOW + 60) }, 'token_without_expiry'],
    ['iat two minutes ahead', { iat: NOW + 120, exp: NOW + 300 }, 'token_issued_in_future'],
    ['exp 1e20', { iat: NOW, exp: 1e20 }, 'token_lifetime_too_long'],
    ['a lifetime one second too long', { iat: NOW, exp: NOW + 86401 }, 'token_lifetime_too_long'],
    ['no iat and exp too far from now', { exp: NOW + 86401 }, 'token_lifetime_too_long'],
    ['iat not a number', { iat: 'now', exp: NOW + 60 }, 'token_invalid'],
  ])('refuses %s', (_label, payload, expected) => {
    expect(code(claimRuleViolation(payload, NOW, rules))).toBe(expected);
  });

  it.each([
    ['an ordinary token', { iat: NOW, exp: NOW + 300 }],
    ['iat within the clock tolerance ahead', { iat: NOW + 30, exp: NOW + 300 }],
    ['exactly the longest lifetime', { iat: NOW, exp: NOW + 86400 }],
  ])('accepts %s', (_label, payload) => {
    expect(claimRuleViolation(payload, NOW, rules)).toBeUndefined();
  });

  it('does not limit the lifetime when the limit is 0', () => {
    expect(
      claimRuleViolation({ iat: NOW, exp: NOW + 10 * 365 * 86400 }, NOW, { ...rules, maxLifetimeSeconds: 0 }),
    ).toBeUndefined();
  });

  describe('issuer and audience, when configured', () => {
    const strict = { ...rules, issuer: 'https://idp.example', audience: 'wm-attribute-gateway' };
    const valid = { iat: NOW, exp: NOW + 300, iss: 'https://idp.example', aud: 'wm-attribute-gateway' };
    it.each([
      ['another audience', { ...valid, aud: 'someone-else' }, 'audience_mismatch'],
      ['no audience', { ...valid, aud: undefined }, 'audience_mismatch'],
      ['an audience list without ours', { ...valid, aud: ['a', 'b'] }, 'audience_mismatch'],
      ['another issuer', { ...valid, iss: 'https://evil.example' }, 'issuer_mismatch'],
      ['no issuer', { ...valid, iss: undefined }, 'issuer_mismatch'],
    ])('refuses %s', (_label, payload, expected) => {
      expect(code(claimRuleViolation(payload, NOW, strict))).toBe(expected);
    });

    it('tells a token without aud or iss that it names none, not that it names another', () => {
      expect(claimRuleViolation({ ...valid, aud: undefined }, NOW, strict)?.message).toBe(
        'The token names no audience (aud); this service accepts "wm-attribute-gateway".',
      );
      expect(claimRuleViolation({ ...valid, aud: 'someone-else' }, NOW, strict)?.message).toBe(
        'The token is meant for another audience.',
      );
      expect(claimRuleViolation({ ...valid, iss: undefined }, NOW, strict)?.message).toBe(
        'The token names no issuer (iss).',
      );
    });

    it('accepts our audience alone or in a list', () => {
      expect(claimRuleViolation(valid, NOW, strict)).toBeUndefined();
      expect(claimRuleViolation({ ...valid, aud: ['other', 'wm-attribute-gateway'] }, NOW, strict)).toBeUndefined();
    });

    it('checks neither when neither is configured', () => {
      expect(
        claimRuleViolation({ iat: NOW, exp: NOW + 300, iss: 'anyone', aud: 'anything' }, NOW, rules),
      ).toBeUndefined();
    });
  });
});

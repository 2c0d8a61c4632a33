import { createHmac } from 'node:crypto';
import { withEnvironment } from '../../test/support/test-app';
import { genesysConfig } from '../genesys/genesys.config';
import { attributeSignatureConfig } from './attribute-signature.config';
import { AttributeSigner } from './attribute-signer';

const KEY_1 = 'k1:first-signing-secret-of-32-bytes-or-more';
const KEY_2 = 'k2:second-signing-secret-of-32-bytes-or-more';
const DEPLOYMENT = '6b0e2c1a-5d4f-4e3a-9b8c-7d6e5f4a3b2c';
const ISSUED = new Date('2026-11-24T09:00:00Z');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const signerWith = (keys: string, deploymentId = DEPLOYMENT, lifetime = '3600') =>
  withEnvironment(
    { ATTRIBUTE_SIGNING_KEYS: keys, GENESYS_DEPLOYMENT_ID: deploymentId, ATTRIBUTE_SIGNATURE_TTL_SECONDS: lifetime },
    async () => new AttributeSigner(attributeSignatureConfig(), genesysConfig()),
  );

/** A v1 token as the 0.1 release wrote it (an independent copy of that algorithm). */
function v1Token(
  secret: string,
  kid: string,
  claims: { u: unknown; t: unknown; n: unknown },
  attributes: Record<string, string>,
): string {
  const encoded = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const pairs = JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((key) => [key, attributes[key]]),
  );
  const mac = createHmac('sha256', secret)
    .update(['v1', kid, String(claims.u), String(claims.t), String(claims.n), pairs].join('\n'))
    .digest('base64url');
  return `v1.${kid}.${encoded}.${mac}`;
}

describe('AttributeSigner', () => {
  const attributes = { userId: 'usr_1001', userTier: 'Gold', lastOrderDate: '2026-10-30T09:15:00.000Z' };

  it('verifies what it signed, with the user id, times and key id it signed, in at most 102 characters', async () => {
    const signer = await signerWith(KEY_1);
    const { token, claims } = signer.sign(attributes, 'usr_1001', ISSUED);
    expect(token).toMatch(/^v2\.k1\.\d{10}\.\d{10}\.[\w-]{16}\.[\w-]{43}$/);
    expect(token.length).toBeLessThanOrEqual(102);
    expect(claims).toMatchObject({
      version: 'v2',
      kid: 'k1',
      userId: 'usr_1001',
      issuedAt: ISSUED.getTime() / 1000,
      expiresAt: ISSUED.getTime() / 1000 + 3600,
    });
    expect(signer.verify({ ...attributes }, token, 'usr_1001')).toEqual({ valid: true, claims });
  });

  it('takes its lifetime from WIDGET_CONFIG_TTL_SECONDS, the name before 0.3, when ATTRIBUTE_SIGNATURE_TTL_SECONDS is unset', async () => {
    const lifetimeUnder = (env: Record<string, string>) =>
      withEnvironment(
        { ATTRIBUTE_SIGNING_KEYS: KEY_1, GENESYS_DEPLOYMENT_ID: DEPLOYMENT, ...env },
        async () => attributeSignatureConfig().lifetimeSeconds,
      );
    expect(await lifetimeUnder({ WIDGET_CONFIG_TTL_SECONDS: '600' })).toBe(600);
    expect(await lifetimeUnder({ WIDGET_CONFIG_TTL_SECONDS: '600', ATTRIBUTE_SIGNATURE_TTL_SECONDS: '900' })).toBe(900);
    expect(await lifetimeUnder({})).toBe(3600);
  });

  it('refuses text that is not well-formed: a lone surrogate does not verify under the MAC of U+FFFD, whose UTF-8 it shares', async () => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign({ ...attributes, userTier: 'a\uFFFDb' }, 'usr_1001', ISSUED);
    expect(signer.verify({ ...attributes, userTier: 'a\uFFFDb' }, token, 'usr_1001').valid).toBe(true);
    expect(signer.verify({ ...attributes, userTier: 'a\uD800b' }, token, 'usr_1001')).toMatchObject({
      valid: false,
      reason: 'mismatch',
    });
    expect(() => signer.sign({ ...attributes, userTier: 'a\uDC00' }, 'usr_1001', ISSUED)).toThrow('well-formed');
    // A pair is one code point, and well-formed.
    expect(
      signer.verify(
        { ...attributes, userTier: '\uD83D\uDE00' },
        signer.sign({ ...attributes, userTier: '\uD83D\uDE00' }, 'usr_1001', ISSUED).token,
        'usr_1001',
      ).valid,
    ).toBe(true);
  });

  it('names an unchanged set with the same 96-bit nonce, so re-issuing it adds no ledger entry', async () => {
    const signer = await signerWith(KEY_1);
    const first = signer.sign(attributes, 'usr_1001', ISSUED);
    const later = signer.sign(
      { lastOrderDate: attributes.lastOrderDate, userTier: 'Gold', userId: 'usr_1001' },
      'usr_1001',
      new Date(ISSUED.getTime() + 60_000),
    );
    expect(first.claims.nonce).toMatch(/^[\w-]{16}$/);
    expect(later.claims.nonce).toBe(first.claims.nonce);
    expect(later.token).not.toBe(first.token);
  });

  it('gives another nonce to any other set, visitor, deployment or key', async () => {
    const nonceOf = async (keys: string, deploymentId: string, set: Record<string, string>, userId: string) =>
      (await signerWith(keys, deploymentId)).sign(set, userId, ISSUED).claims.nonce;
    const nonces = [
      await nonceOf(KEY_1, DEPLOYMENT, attributes, 'usr_1001'),
      await nonceOf(KEY_1, DEPLOYMENT, { ...attributes, userTier: 'Silver' }, 'usr_1001'),
      await nonceOf(KEY_1, DEPLOYMENT, { ...attributes, vip: '' }, 'usr_1001'),
      await nonceOf(KEY_1, DEPLOYMENT, { ...attributes, userId: 'usr_1002' }, 'usr_1002'),
      await nonceOf(KEY_1, '7c1f3d2b-6e5a-4f4b-8c9d-8e7f6a5b4c3d', attributes, 'usr_1001'),
      await nonceOf(KEY_2, DEPLOYMENT, attributes, 'usr_1001'),
      // Length prefixes: a value that swallows the next name is another set.
      await nonceOf(KEY_1, DEPLOYMENT, { userId: 'usr_1001', userTier: 'Gold1:x' }, 'usr_1001'),
    ];
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it('does not depend on the order of the attributes', async () => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', ISSUED);
    const reordered = { lastOrderDate: attributes.lastOrderDate, userTier: 'Gold', userId: 'usr_1001' };
    expect(signer.verify(reordered, token, 'usr_1001').valid).toBe(true);
  });

  it.each([
    ['an edited value', { ...attributes, userTier: 'Silver' }],
    ['an added attribute', { ...attributes, vip: 'true' }],
    ['a removed attribute', { userId: 'usr_1001', userTier: 'Gold' }],
    ['a renamed key', { userId: 'usr_1001', usertier: 'Gold', lastOrderDate: attributes.lastOrderDate }],
    ['a value moved into a key', { userId: 'usr_1001', userTierGold: '', lastOrderDate: attributes.lastOrderDate }],
  ])('fails on %s', async (_change, changed) => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', ISSUED);
    expect(signer.verify(changed, token, 'usr_1001')).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('binds the user id: the set does not verify for another identity attribute value', async () => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', ISSUED);
    expect(signer.verify({ ...attributes, userId: 'usr_9999' }, token, 'usr_9999')).toMatchObject({
      valid: false,
      reason: 'mismatch',
    });
    expect(signer.verify(attributes, token, undefined).valid).toBe(false);
  });

  it('binds the deployment: a set signed for another Messenger deployment does not verify', async () => {
    const { token } = (await signerWith(KEY_1)).sign(attributes, 'usr_1001', ISSUED);
    const elsewhere = await signerWith(KEY_1, '00000000-1111-4222-8333-444444444444');
    expect(elsewhere.verify(attributes, token, 'usr_1001')).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('binds the times: an edited issue or expiry time does not verify', async () => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', ISSUED);
    const parts = token.split('.');
    const later = [...parts.slice(0, 3), String(Number(parts[3]) + 86400), ...parts.slice(4)].join('.');
    expect(signer.verify(attributes, later, 'usr_1001')).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('refuses every non-canonical spelling of a valid token as malformed', async () => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', ISSUED);
    const parts = token.split('.');
    const withPart = (index: number, value: string) => parts.map((part, at) => (at === index ? value : part)).join('.');
    const mac = Buffer.from(parts[5], 'base64url');
    const variants = [
      `${token}=`,
      withPart(5, `${parts[5]}=`),
      withPart(5, mac.toString('base64')),
      // Standard base64's alphabet: '+' and '/' where base64url has '-' and '_'.
      withPart(5, `+${parts[5].slice(1)}`),
      withPart(5, `${parts[5].slice(0, 42)}/`),
      // The last character of 43 carries 2 unused bits; any other value decodes to the same bytes.
      withPart(5, parts[5].slice(0, 42) + BASE64URL[BASE64URL.indexOf(parts[5][42]) ^ 1]),
      withPart(2, `0${parts[2].slice(1)}`),
      withPart(2, ` ${parts[2]}`),
      `${token}.extra`,
      token.replace('v2.', 'v3.'),
      `${token}${'A'.repeat(600)}`,
    ];
    for (const variant of variants) {
      expect(variant).not.toBe(token);
      expect({ variant, check: signer.verify(attributes, variant, 'usr_1001') }).toEqual({
        variant,
        check: { valid: false, reason: 'malformed' },
      });
    }
  });

  it.each([
    ['1', 1],
    ['-5', -5],
    ['1.5', 1.5],
    ['1e11', 1e11],
    ['1e300', 1e300],
    ['2019', 1_546_300_800],
  ])('refuses a v1 issue time of %s as malformed', async (_label, t) => {
    const signer = await signerWith(KEY_1);
    const secret = KEY_1.slice(3);
    const token = v1Token(secret, 'k1', { u: 'usr_1001', t, n: 'AAAAAAAAAAAAAAAA' }, attributes);
    expect(signer.verify(attributes, token, 'usr_1001')).toEqual({ valid: false, reason: 'malformed' });
  });

  it.each([['1'], ['-5'], ['1.5'], ['1e11'], ['99999999999'], ['0000000001']])(
    'refuses a v2 issue time of %s as malformed',
    async (issued) => {
      const signer = await signerWith(KEY_1);
      const { token } = signer.sign(attributes, 'usr_1001', ISSUED);
      const parts = token.split('.');
      expect(signer.verify(attributes, [parts[0], parts[1], issued, ...parts.slice(3)].join('.'), 'usr_1001')).toEqual({
        valid: false,
        reason: 'malformed',
      });
    },
  );

  it('refuses a v2 expiry before the issue time or more than 30 days after it', async () => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', ISSUED);
    const parts = token.split('.');
    const issued = Number(parts[2]);
    for (const expires of [issued, issued - 1, issued + 2_592_001]) {
      expect(
        signer.verify(attributes, [...parts.slice(0, 3), String(expires), ...parts.slice(4)].join('.'), 'usr_1001'),
      ).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  describe('v1 tokens (verified through the 0.2 release line)', () => {
    const secret = KEY_1.slice(3);
    const t = ISSUED.getTime() / 1000;

    it('verifies an intact v1 set, with the configured lifetime as its expiry', async () => {
      const signer = await signerWith(KEY_1, DEPLOYMENT, '600');
      const token = v1Token(secret, 'k1', { u: 'usr_1001', t, n: 'AAAAAAAAAAAAAAAA' }, attributes);
      expect(signer.verify(attributes, token, 'usr_1001')).toEqual({
        valid: true,
        claims: {
          version: 'v1',
          kid: 'k1',
          userId: 'usr_1001',
          issuedAt: t,
          expiresAt: t + 600,
          nonce: 'AAAAAAAAAAAAAAAA',
        },
      });
    });

    it('refuses a v1 set whose signed user id is not the identity attribute', async () => {
      const signer = await signerWith(KEY_1);
      const forged = { ...attributes, userId: 'bob' };
      const token = v1Token(secret, 'k1', { u: 'alice', t, n: 'AAAAAAAAAAAAAAAA' }, forged);
      expect(signer.verify(forged, token, 'bob')).toEqual({
        valid: false,
        reason: 'identity_mismatch',
        nonce: 'AAAAAAAAAAAAAAAA',
      });
    });

    it('refuses a user id that could re-split the newline-joined claims', async () => {
      const signer = await signerWith(KEY_1);
      const token = v1Token(secret, 'k1', { u: 'usr_1001\n1700000000', t, n: 'AAAAAAAAAAAAAAAA' }, attributes);
      expect(signer.verify(attributes, token, 'usr_1001\n1700000000')).toEqual({ valid: false, reason: 'malformed' });
    });

    it.each([
      ['claims that are not JSON', 'v1.k1.bm90IGpzb24.' + 'A'.repeat(43)],
      ['claims that are an array', `v1.k1.${Buffer.from('[1,2]').toString('base64url')}.${'A'.repeat(43)}`],
      [
        'a nonce of the wrong length',
        v1Token(KEY_1.slice(3), 'k1', { u: 'usr_1001', t: 1_795_597_200, n: 'x' }, { userId: 'usr_1001' }),
      ],
      [
        'a padded MAC',
        `${v1Token(KEY_1.slice(3), 'k1', { u: 'usr_1001', t: 1_795_597_200, n: 'AAAAAAAAAAAAAAAA' }, { userId: 'usr_1001' })}=`,
      ],
    ])('refuses %s as malformed', async (_label, token) => {
      const signer = await signerWith(KEY_1);
      expect(signer.verify({ userId: 'usr_1001' }, token, 'usr_1001')).toEqual({ valid: false, reason: 'malformed' });
    });
  });

  it('keeps old signatures verifiable after a key rotation, and refuses retired keys', async () => {
    const before = await signerWith(KEY_1);
    const { token: old } = before.sign(attributes, 'usr_1001', ISSUED);
    const rotated = await signerWith(`${KEY_2},${KEY_1}`);
    expect(rotated.verify(attributes, old, 'usr_1001').valid).toBe(true);
    const { token: fresh } = rotated.sign(attributes, 'usr_1001', ISSUED);
    expect(fresh.startsWith('v2.k2.')).toBe(true);
    const retired = await signerWith(KEY_2);
    expect(retired.verify(attributes, old, 'usr_1001')).toMatchObject({ valid: false, reason: 'unknown_key' });
  });

  it('does not verify with another secret under the same key id', async () => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', ISSUED);
    const impostor = await signerWith('k1:an-entirely-different-secret-of-32-bytes');
    expect(impostor.verify(attributes, token, 'usr_1001')).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('refuses a key id given twice: the first would win and every set the other signed would be tampered', async () => {
    await expect(signerWith(`${KEY_1},k1:another-signing-secret-of-32-bytes-or-more`)).rejects.toThrow(
      'ATTRIBUTE_SIGNING_KEYS names key id "k1" twice',
    );
  });
});

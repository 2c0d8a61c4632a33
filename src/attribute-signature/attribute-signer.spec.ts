import { withEnvironment } from '../../test/support/test-app';
import { attributeSignatureConfig } from './attribute-signature.config';
import { AttributeSigner } from './attribute-signer';

const KEY_1 = 'k1:first-signing-secret-of-32-bytes-or-more';
const KEY_2 = 'k2:second-signing-secret-of-32-bytes-or-more';

const signerWith = (keys: string) =>
  withEnvironment({ ATTRIBUTE_SIGNING_KEYS: keys }, async () => new AttributeSigner(attributeSignatureConfig()));

describe('AttributeSigner', () => {
  const attributes = { userId: 'usr_1001', userTier: 'Gold', lastOrderDate: '2026-10-30T09:15:00.000Z' };

  it('verifies what it signed, with the user id, issue time and key id it signed', async () => {
    const signer = await signerWith(KEY_1);
    const { token, claims } = signer.sign(attributes, 'usr_1001', new Date('2026-11-24T09:00:00Z'));
    expect(token).toMatch(/^v1\.k1\.[\w-]+\.[\w-]{43}$/);
    expect(signer.verify({ ...attributes }, token)).toEqual({ valid: true, claims });
    expect(claims).toMatchObject({ kid: 'k1', userId: 'usr_1001', issuedAt: Date.parse('2026-11-24T09:00:00Z') / 1000 });
  });

  it('gives every signature its own 96-bit nonce, also across refills of the nonce pool', async () => {
    const signer = await signerWith(KEY_1);
    const nonces = Array.from({ length: 3000 }, () => signer.sign(attributes, 'usr_1001', new Date()).claims.nonce);
    expect(new Set(nonces).size).toBe(nonces.length);
    expect(nonces.every((nonce) => /^[\w-]{16}$/.test(nonce))).toBe(true);
  });

  it('does not depend on the order of the attributes', async () => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', new Date());
    const reordered = { lastOrderDate: attributes.lastOrderDate, userTier: 'Gold', userId: 'usr_1001' };
    expect(signer.verify(reordered, token).valid).toBe(true);
  });

  it.each([
    ['an edited value', { ...attributes, userTier: 'Silver' }],
    ['an added attribute', { ...attributes, vip: 'true' }],
    ['a removed attribute', { userId: 'usr_1001', userTier: 'Gold' }],
    ['a renamed key', { userId: 'usr_1001', usertier: 'Gold', lastOrderDate: attributes.lastOrderDate }],
  ])('fails on %s', async (_change, changed) => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', new Date());
    expect(signer.verify(changed, token)).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('fails when the user id or issue time inside the token is changed', async () => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', new Date());
    const [version, kid, , mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'usr_9999', t: 1, n: 'x' })).toString('base64url');
    expect(signer.verify(attributes, [version, kid, forged, mac].join('.'))).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(signer.verify(attributes, 'not-a-signature')).toEqual({ valid: false, reason: 'malformed' });
  });

  it('keeps old signatures verifiable after a key rotation, and refuses retired keys', async () => {
    const before = await signerWith(KEY_1);
    const { token: old } = before.sign(attributes, 'usr_1001', new Date());
    const rotated = await signerWith(`${KEY_2},${KEY_1}`);
    expect(rotated.verify(attributes, old).valid).toBe(true);
    const { token: fresh } = rotated.sign(attributes, 'usr_1001', new Date());
    expect(fresh.startsWith('v1.k2.')).toBe(true);
    const retired = await signerWith(KEY_2);
    expect(retired.verify(attributes, old)).toMatchObject({ valid: false, reason: 'unknown_key' });
  });

  it('does not verify with another secret under the same key id', async () => {
    const signer = await signerWith(KEY_1);
    const { token } = signer.sign(attributes, 'usr_1001', new Date());
    const impostor = await signerWith('k1:an-entirely-different-secret-of-32-bytes');
    expect(impostor.verify(attributes, token)).toMatchObject({ valid: false, reason: 'mismatch' });
  });
});

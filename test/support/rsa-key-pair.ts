import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * A 2048-bit RSA key pair whose KeyObjects share nothing with the job that generated them. On
 * Node 20 the keys generateKeyPairSync returns share a lock with its job: reading a key's details
 * (jsonwebtoken does, on every sign and verify) while the garbage collector frees the job takes
 * that lock twice, and the whole test process hangs (seen in CI, a native stack in
 * KeyGenJob's destructor under GetRsaKeyDetail). Keys read back from PEM have their own lock.
 */
export function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  const generated = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey: createPrivateKey(generated.privateKey), publicKey: createPublicKey(generated.publicKey) };
}

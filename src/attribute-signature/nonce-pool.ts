import { randomFillSync } from 'node:crypto';

const NONCE_BYTES = 12;
/**
 * Nonces come from a pool refilled 512 at a time, as crypto.randomUUID does: a randomBytes call
 * per nonce costs ~6 µs (one trip into OpenSSL each), a slice of the pool ~0.1 µs.
 */
const noncePool = Buffer.alloc(NONCE_BYTES * 512);
let noncePoolOffset = noncePool.length;

/** A fresh 96-bit nonce, base64url (16 characters). */
export function nextNonce(): string {
  if (noncePoolOffset === noncePool.length) {
    randomFillSync(noncePool);
    noncePoolOffset = 0;
  }
  const nonce = noncePool.toString('base64url', noncePoolOffset, noncePoolOffset + NONCE_BYTES);
  noncePoolOffset += NONCE_BYTES;
  return nonce;
}

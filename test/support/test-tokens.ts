import type { KeyObject } from 'node:crypto';
import { sign, type SignOptions } from 'jsonwebtoken';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';
export const TEST_JWT_ISSUER = 'https://identity.test.example';
export const TEST_JWT_AUDIENCE = 'wm-attribute-gateway';

/** Mints HS256 tokens as the identity provider would, for the settings startTestApp uses. */
export function signTestToken(
  claims: Record<string, unknown>,
  options: SignOptions = {},
  secret = TEST_JWT_SECRET,
): string {
  const merged: SignOptions = {
    algorithm: 'HS256',
    expiresIn: '5m',
    issuer: TEST_JWT_ISSUER,
    audience: TEST_JWT_AUDIENCE,
    ...options,
  };
  // An option given as undefined means "leave this claim to the payload" (e.g. an explicit exp).
  const given = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  return sign(claims, secret, given);
}

export const visitorToken = (claims: Record<string, unknown> = {}) =>
  signTestToken({ sub: 'usr_1001', tier: 'Gold', ...claims });

export const serviceToken = (scopes: string[]) => signTestToken({ sub: 'qa-service', scope: scopes.join(' ') });

/** Mints RS256 tokens as an identity provider publishing `key` in its JWKS would, for the same issuer and audience. */
export const signWithJwksKey = (key: { kid: string; privateKey: KeyObject }, claims: object = { sub: 'svc' }) =>
  sign(claims, key.privateKey, {
    algorithm: 'RS256',
    keyid: key.kid,
    issuer: TEST_JWT_ISSUER,
    audience: TEST_JWT_AUDIENCE,
    expiresIn: '5m',
  });

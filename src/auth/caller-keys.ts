import { createSecretKey } from 'node:crypto';
import type { AuthConfig } from './auth.config';
import { jwksKeys, type JwksCondition, type KeyLookup } from './jwks-key-provider';
import { TokenRefusal } from './token-rules';

export const CALLER_KEYS = Symbol('CALLER_KEYS');

/** Where our callers' JWTs are verified from: a JWKS (with its condition, for readiness) or JWT_SECRET. */
export type CallerKeys =
  { source: 'jwks'; lookup: KeyLookup; condition(): JwksCondition } | { source: 'secret'; lookup: KeyLookup };

export function callerKeys(config: AuthConfig): CallerKeys {
  if (config.jwksUrl) return { source: 'jwks', ...jwksKeys(config.jwksUrl, config.jwksMinRefetchMs) };
  // Never an empty key: HMAC with one would accept tokens anyone can sign. Only an application
  // context without HTTP (the verify CLI) starts without a secret; it authenticates nobody.
  if (!config.secret)
    return {
      source: 'secret',
      lookup: (_kid, done) => done(new TokenRefusal('token_invalid', 'No key to verify tokens with is configured.')),
    };
  // A prepared KeyObject: given the raw string, verification re-imports the key on every request.
  const key = createSecretKey(Buffer.from(config.secret, 'utf8'));
  return { source: 'secret', lookup: (_kid, done) => done(null, key) };
}

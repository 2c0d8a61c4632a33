import { randomBytes } from 'node:crypto';
import { sign } from 'jsonwebtoken';

export interface DevelopmentCredentials {
  visitorToken: string;
  serviceToken: string;
}

/** Scopes internal services need; a development service token carries them all. */
export const INTERNAL_SCOPES = ['attributes:issue', 'conversations:verify'] as const;

/**
 * Outside production, with no JWT key configured, the service makes up a secret for this run and
 * mints two tokens, so that Swagger's "Authorize" works at once. Returns undefined when real JWT
 * settings exist (or in production, where config validation demands them).
 */
export function createDevelopmentCredentials(env: NodeJS.ProcessEnv = process.env): DevelopmentCredentials | undefined {
  if (env.NODE_ENV === 'production' || env.JWT_SECRET || env.JWT_JWKS_URL) return undefined;
  const secret = randomBytes(32).toString('base64url');
  env.JWT_SECRET = secret;
  const common = {
    algorithm: 'HS256' as const,
    expiresIn: '12h' as const,
    ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
    ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
  };
  return {
    visitorToken: sign(
      { sub: 'usr_dev_1001', tier: 'Gold', lastOrderDate: '2026-10-30T09:15:00Z', email: 'visitor@example.com' },
      secret,
      common,
    ),
    serviceToken: sign({ sub: 'dev-internal-service', scope: INTERNAL_SCOPES.join(' ') }, secret, common),
  };
}

export function describeDevelopmentCredentials(credentials: DevelopmentCredentials): string {
  return [
    '',
    'Development JWTs (signed with a secret made up for this run; paste one into Swagger UI\'s "Authorize"):',
    `  visitor (sub usr_dev_1001, tier Gold):  ${credentials.visitorToken}`,
    `  internal service (${INTERNAL_SCOPES.join(', ')}):  ${credentials.serviceToken}`,
    '',
  ].join('\n');
}

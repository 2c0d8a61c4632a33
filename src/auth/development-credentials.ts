import { randomBytes } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { developmentState, keepsDevelopmentState } from '../development/development-state';

export interface DevelopmentCredentials {
  /** The JWT secret the service must use for these tokens to hold (JWT_SECRET). */
  secret: string;
  visitorToken: string;
  serviceToken: string;
  /**
   * What the sandbox's demo shop hands its page: its back office only reads verification reports
   * (conversations:verify), for an hour. A page gets nothing that could issue attributes.
   */
  demoShopToken: string;
}

/** The visitor of the printed development token (and of the sandbox's signed example conversations). */
export const DEVELOPMENT_VISITOR_CLAIMS = {
  sub: 'usr_dev_1001',
  tier: 'Gold',
  lastOrderDate: '2026-10-30T09:15:00Z',
  email: 'visitor@example.com',
};

/** Scopes internal services need; a development service token carries them all. */
export const INTERNAL_SCOPES = ['attributes:issue', 'conversations:verify'] as const;

/**
 * Outside production, with no JWT key configured, the service uses a secret of its own and mints
 * two tokens, so that Swagger's "Authorize" works at once. In development mode the secret is kept
 * in the development state file, so tokens stay valid across restarts; tests make one up per run.
 * Returns undefined when real JWT settings exist (or in production, where config validation demands them).
 * The caller hands `secret` to the configuration as JWT_SECRET.
 */
export function createDevelopmentCredentials(env: NodeJS.ProcessEnv): DevelopmentCredentials | undefined {
  // Blank counts as unset, as in config validation: a blank JWT_SECRET must not leave the service with an empty key.
  if (env.NODE_ENV === 'production' || env.JWT_SECRET?.trim() || env.JWT_JWKS_URL?.trim()) return undefined;
  const secret = keepsDevelopmentState(env) ? developmentState(env).jwtSecret : randomBytes(32).toString('base64url');
  const common = {
    algorithm: 'HS256' as const,
    expiresIn: '12h' as const,
    ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
    ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
  };
  return {
    secret,
    visitorToken: sign(DEVELOPMENT_VISITOR_CLAIMS, secret, common),
    serviceToken: sign({ sub: 'dev-internal-service', scope: INTERNAL_SCOPES.join(' ') }, secret, common),
    demoShopToken: sign({ sub: 'dev-demo-shop', scope: 'conversations:verify' }, secret, {
      ...common,
      expiresIn: '1h' as const,
    }),
  };
}

export function describeDevelopmentCredentials(credentials: DevelopmentCredentials): string {
  return [
    '',
    'Development JWTs (valid 12 h, also after a restart; paste one into Swagger UI\'s "Authorize"):',
    `  visitor (sub usr_dev_1001, tier Gold):  ${credentials.visitorToken}`,
    `  internal service (${INTERNAL_SCOPES.join(', ')}):  ${credentials.serviceToken}`,
    '',
  ].join('\n');
}

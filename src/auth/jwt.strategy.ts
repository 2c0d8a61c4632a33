import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { authConfig, type AuthConfig } from './auth.config';
import type { AuthenticatedCaller } from './authenticated-caller';
import { jwksKeyProvider } from './jwks-key-provider';

function keyProvider(config: AuthConfig): SecretOrKeyProvider {
  if (config.jwksUrl) return jwksKeyProvider(config.jwksUrl);
  // A prepared KeyObject: given the raw string, verification re-imports the key on every request.
  const key = createSecretKey(Buffer.from(config.secret ?? '', 'utf8'));
  return (_request, _token, done) => done(null, key as unknown as Buffer);
}

function scopesOf(claim: unknown): Set<string> {
  if (typeof claim === 'string') return new Set(claim.split(/\s+/).filter(Boolean));
  if (Array.isArray(claim)) return new Set(claim.filter((scope): scope is string => typeof scope === 'string'));
  return new Set();
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: keyProvider(config),
      algorithms: config.algorithms,
      issuer: config.issuer,
      audience: config.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: config.clockToleranceSeconds },
    });
  }

  validate(payload: Record<string, unknown>): AuthenticatedCaller | false {
    if (typeof payload.sub !== 'string' || payload.sub === '') return false;
    return { subject: payload.sub, scopes: scopesOf(payload[this.config.scopeClaim]), claims: payload };
  }
}

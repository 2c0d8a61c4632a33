import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { authConfig, type AuthConfig } from './auth.config';
import type { AuthenticatedCaller } from './authenticated-caller';
import { CALLER_KEYS, type CallerKeys } from './caller-keys';
import { TokenRefusal, claimRuleViolation, rememberingHeaderReader } from './token-rules';

/** The header is checked before any key is looked up, so a malformed or `crit` token costs no key lookup. */
function keyProvider({ lookup }: CallerKeys): SecretOrKeyProvider {
  const readTokenHeader = rememberingHeaderReader();
  return (_request, token, done) => {
    const header = readTokenHeader(token);
    if (header instanceof TokenRefusal) {
      done(header);
      return;
    }
    lookup(header.kid, (error, key) => done(error, key as unknown as Buffer));
  };
}

function scopesOf(claim: unknown): Set<string> {
  if (typeof claim === 'string') return new Set(claim.split(/\s+/).filter(Boolean));
  if (Array.isArray(claim)) return new Set(claim.filter((scope): scope is string => typeof scope === 'string'));
  return new Set();
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Inject(CALLER_KEYS) keys: CallerKeys,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: keyProvider(keys),
      algorithms: config.algorithms,
      // Issuer and audience are checked in validate() by claimRuleViolation, so that a refusal says which with a code
      // of its own.
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: config.clockToleranceSeconds },
    });
  }

  /**
   * Runs after jsonwebtoken has verified the signature, exp and nbf. The claim rules read the system
   * clock, not the injected one, because jsonwebtoken reads it for exp and nbf: one token is judged
   * against one reading of time.
   */
  validate(payload: Record<string, unknown>): AuthenticatedCaller | false {
    const violation = claimRuleViolation(payload, Math.floor(Date.now() / 1000), {
      clockToleranceSeconds: this.config.clockToleranceSeconds,
      maxLifetimeSeconds: this.config.maxTokenLifetimeSeconds,
      issuer: this.config.issuer,
      audience: this.config.audience,
    });
    if (violation) throw violation;
    if (typeof payload.sub !== 'string' || payload.sub === '') return false;
    return { subject: payload.sub, scopes: scopesOf(payload[this.config.scopeClaim]), claims: payload };
  }
}

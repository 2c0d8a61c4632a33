import { registerAs, type ConfigType } from '@nestjs/config';
import {
  IsEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MinLength,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';
import { IntegerVariable, readEnvironment } from '../config/environment';

export const SYMMETRIC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;
export type JwtAlgorithm = (typeof SYMMETRIC_ALGORITHMS)[number] | (typeof ASYMMETRIC_ALGORITHMS)[number];
const ALGORITHM_LIST = new RegExp(
  `^(${[...SYMMETRIC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS].join('|')})(,\\s*(${[...SYMMETRIC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS].join('|')}))*$`,
);

const isProduction = (env: AuthEnvironment) => env.NODE_ENV === 'production';

/** JWT_ALGORITHMS as configured, or the default for the key source. */
const algorithmsOf = (env: Pick<AuthEnvironment, 'JWT_ALGORITHMS' | 'JWT_JWKS_URL'>): JwtAlgorithm[] =>
  (env.JWT_ALGORITHMS ?? (env.JWT_JWKS_URL ? 'RS256' : 'HS256')).split(',').map((name) => name.trim() as JwtAlgorithm);

/** What is wrong with the algorithms for the key source: a JWKS publishes public keys, a secret verifies HMAC only. */
function keySourceMismatch(env: AuthEnvironment): string | undefined {
  const algorithms = algorithmsOf(env);
  const symmetric = algorithms.filter((name) => (SYMMETRIC_ALGORITHMS as readonly string[]).includes(name));
  if (env.JWT_JWKS_URL && symmetric.length > 0)
    return `JWT_ALGORITHMS: ${symmetric.join(', ')} cannot be verified with keys from JWT_JWKS_URL`;
  if (!env.JWT_JWKS_URL && symmetric.length !== algorithms.length)
    return 'JWT_ALGORITHMS: with JWT_SECRET only HS256, HS384 and HS512 can be verified';
  return undefined;
}

/** A cross-field rule as a constraint, so start-up lists it with every other problem. */
const FitsTheKeySource = () =>
  ValidateBy({
    name: 'fitsTheKeySource',
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) =>
        keySourceMismatch(args?.object as AuthEnvironment) === undefined,
      defaultMessage: (args?: ValidationArguments) => keySourceMismatch(args?.object as AuthEnvironment) ?? '',
    },
  });

export class AuthEnvironment {
  /** Read, not validated here (the app slice does): production needs a key source, issuer and audience. */
  readonly NODE_ENV?: string;

  @ValidateIf(
    (env: AuthEnvironment) => env.JWT_SECRET !== undefined || (isProduction(env) && env.JWT_JWKS_URL === undefined),
  )
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 bytes' })
  @IsString({ message: 'JWT_SECRET or JWT_JWKS_URL must be set when NODE_ENV=production' })
  JWT_SECRET?: string;

  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'JWT_JWKS_URL must be an http(s) URL' },
  )
  @ValidateIf((env: AuthEnvironment) => env.JWT_SECRET !== undefined && env.JWT_JWKS_URL !== undefined)
  @IsEmpty({ message: 'JWT_JWKS_URL and JWT_SECRET are exclusive: set one key source' })
  JWT_JWKS_URL?: string;

  @IsOptional()
  @Matches(ALGORITHM_LIST, {
    message: `JWT_ALGORITHMS must be a comma list of ${[...SYMMETRIC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS].join(', ')}`,
  })
  @FitsTheKeySource()
  JWT_ALGORITHMS?: string;

  @ValidateIf((env: AuthEnvironment) => env.JWT_ISSUER !== undefined || isProduction(env))
  @IsString({ message: 'JWT_ISSUER must be set when NODE_ENV=production' })
  JWT_ISSUER?: string;

  @ValidateIf((env: AuthEnvironment) => env.JWT_AUDIENCE !== undefined || isProduction(env))
  @IsString({ message: 'JWT_AUDIENCE must be set when NODE_ENV=production' })
  JWT_AUDIENCE?: string;

  @IsOptional()
  @IntegerVariable(0, 300)
  JWT_CLOCK_TOLERANCE_SECONDS = 30;

  /** At most one JWKS fetch per this many ms, however many unknown key ids tokens name. */
  @IsOptional()
  @IntegerVariable(0, 300000)
  JWT_JWKS_MIN_REFETCH_MS = 5000;

  /** Longest accepted time from a token's issue (or from now) to its expiry; 0 for no limit. */
  @IsOptional()
  @IntegerVariable(0, 31536000)
  JWT_MAX_TOKEN_LIFETIME_SECONDS = 86400;

  @IsOptional()
  @Matches(/^[\w.:-]+$/, { message: 'JWT_SCOPE_CLAIM must be a claim name such as scope or scp' })
  JWT_SCOPE_CLAIM = 'scope';
}

export const authConfig = registerAs('auth', () => {
  const env = readEnvironment(AuthEnvironment);
  const algorithms = algorithmsOf(env);
  return {
    secret: env.JWT_SECRET,
    jwksUrl: env.JWT_JWKS_URL,
    jwksMinRefetchMs: env.JWT_JWKS_MIN_REFETCH_MS,
    algorithms,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE_SECONDS,
    maxTokenLifetimeSeconds: env.JWT_MAX_TOKEN_LIFETIME_SECONDS,
    scopeClaim: env.JWT_SCOPE_CLAIM,
  };
});

export type AuthConfig = ConfigType<typeof authConfig>;

import { registerAs, type ConfigType } from '@nestjs/config';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IntegerVariable, readEnvironment } from './environment';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'test', 'production'] as const;
/** json: one JSON line per entry, for log collectors. pretty: one readable line, for a developer's terminal. */
const LOG_FORMATS = ['json', 'pretty'] as const;

/** An origin is scheme://host[:port], nothing after it. */
const ORIGIN_LIST = /^https?:\/\/[^\s/,]+(,\s*https?:\/\/[^\s/,]+)*$/;
/** `true`, `false`, a hop count, or a comma list of addresses / CIDR ranges. */
const TRUST_PROXY_VALUE = /^(true|false|\d+|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/;

export class AppEnvironment {
  @IsOptional()
  @IsIn(NODE_ENVS, { message: `NODE_ENV must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IsOptional()
  @IntegerVariable(0, 65535)
  PORT = 3000;

  @IsOptional()
  @Matches(/^[\w.:-]+$/, { message: 'HOST must be an interface address or host name, e.g. 0.0.0.0' })
  HOST = '0.0.0.0';

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Unset: pretty in development, json elsewhere (tests and production read lines as JSON). */
  @IsOptional()
  @IsIn(LOG_FORMATS, { message: `LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT?: (typeof LOG_FORMATS)[number];

  @IsOptional()
  @Matches(ORIGIN_LIST, {
    message: 'CORS_ORIGINS must be a comma-separated list of origins such as https://shop.example.com',
  })
  CORS_ORIGINS?: string;

  @IsOptional()
  @Matches(TRUST_PROXY_VALUE, {
    message: 'TRUST_PROXY must be true, false, a hop count, or a comma-separated list of addresses/CIDR ranges',
  })
  TRUST_PROXY = 'false';

  @IsOptional()
  @IntegerVariable(1024, 10485760)
  BODY_LIMIT_BYTES = 65536;

  /** Time a client has to send a whole request, headers and body: slow senders are answered 408 and cut off. */
  @IsOptional()
  @IntegerVariable(1000, 300000)
  REQUEST_TIMEOUT_MS = 10000;

  /** Unset: on outside production, off in production (the document maps every route for whoever reads it). */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'SWAGGER_ENABLED must be true or false' })
  SWAGGER_ENABLED?: 'true' | 'false';
}

type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

export function parseTrustProxy(value: string): TrustProxy {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value.split(',').map((entry) => entry.trim());
}

export const appConfig = registerAs('app', () => {
  const env = readEnvironment(AppEnvironment);
  return {
    nodeEnv: env.NODE_ENV,
    production: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json'),
    corsOrigins: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map((origin) => origin.trim()) : [],
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    swaggerEnabled: env.SWAGGER_ENABLED === undefined ? env.NODE_ENV !== 'production' : env.SWAGGER_ENABLED === 'true',
  };
});

export type AppConfig = ConfigType<typeof appConfig>;

import { registerAs, type ConfigType } from '@nestjs/config';
import { IsIn, IsOptional, IsString, IsUrl, IsUUID, ValidateIf } from 'class-validator';
import { IntegerVariable, readEnvironment } from '../config/environment';
import {
  GENESYS_REGION_DOMAINS,
  apiHost,
  findRegion,
  loginHost,
  webMessagingHost,
  type GenesysRegionDomain,
} from './genesys-regions';

/**
 * Without credentials the service runs against its emulator (sandbox mode). That must never
 * happen in production: a deployment that lost its secrets has to fail, not serve emulator data.
 */
const requiresCredentials = (env: GenesysEnvironment): boolean => env.NODE_ENV === 'production';
const PRODUCTION_NEEDS_CREDENTIALS = (name: string) =>
  `${name} must be set when NODE_ENV=production (sandbox mode, with the emulator in place of Genesys Cloud, is for development only)`;

const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class GenesysEnvironment {
  @IsOptional()
  @IsIn(GENESYS_REGION_DOMAINS, {
    message: `GENESYS_REGION must be a Genesys Cloud region domain: ${GENESYS_REGION_DOMAINS.join(', ')}`,
  })
  GENESYS_REGION: GenesysRegionDomain = 'mypurecloud.com';

  /** Read, not validated here (the app slice does): in production the credentials are required. */
  readonly NODE_ENV?: string;

  @ValidateIf((env: GenesysEnvironment) => requiresCredentials(env) || env.GENESYS_CLIENT_SECRET !== undefined)
  @IsString({
    message: (args) =>
      requiresCredentials(args.object as GenesysEnvironment)
        ? PRODUCTION_NEEDS_CREDENTIALS('GENESYS_CLIENT_ID')
        : 'GENESYS_CLIENT_ID must be set when GENESYS_CLIENT_SECRET is set',
  })
  GENESYS_CLIENT_ID?: string;

  @ValidateIf((env: GenesysEnvironment) => requiresCredentials(env) || env.GENESYS_CLIENT_ID !== undefined)
  @IsString({
    message: (args) =>
      requiresCredentials(args.object as GenesysEnvironment)
        ? PRODUCTION_NEEDS_CREDENTIALS('GENESYS_CLIENT_SECRET')
        : 'GENESYS_CLIENT_SECRET must be set when GENESYS_CLIENT_ID is set',
  })
  GENESYS_CLIENT_SECRET?: string;

  @ValidateIf((env: GenesysEnvironment) => requiresCredentials(env) || env.GENESYS_DEPLOYMENT_ID !== undefined)
  @IsUUID('all', {
    message: 'GENESYS_DEPLOYMENT_ID must be the Messenger deployment id (a UUID); required when NODE_ENV=production',
  })
  GENESYS_DEPLOYMENT_ID?: string;

  @ValidateIf((env: GenesysEnvironment) => requiresCredentials(env) || env.GENESYS_ORGANIZATION_ID !== undefined)
  @IsUUID('all', {
    message:
      'GENESYS_ORGANIZATION_ID must be the Genesys Cloud organization id (a UUID); required when NODE_ENV=production',
  })
  GENESYS_ORGANIZATION_ID?: string;

  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'GENESYS_LOGIN_URL must be an http(s) URL such as https://login.mypurecloud.com' })
  GENESYS_LOGIN_URL?: string;

  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'GENESYS_API_URL must be an http(s) URL such as https://api.mypurecloud.com' })
  GENESYS_API_URL?: string;

  @IsOptional()
  @IsUrl(
    { protocols: ['ws', 'wss'], require_protocol: true, require_tld: false },
    { message: 'GENESYS_WEBMESSAGING_URL must be a ws(s) URL such as wss://webmessaging.mypurecloud.com' },
  )
  GENESYS_WEBMESSAGING_URL?: string;

  @IsOptional()
  @IntegerVariable(0, 3600)
  GENESYS_TOKEN_REFRESH_BUFFER_SECONDS = 300;

  @IsOptional()
  @IntegerVariable(100, 120000)
  GENESYS_HTTP_TIMEOUT_MS = 10000;

  @IsOptional()
  @IntegerVariable(0, 10)
  GENESYS_MAX_RETRIES = 3;

  @IsOptional()
  @IntegerVariable(0, 600000)
  GENESYS_RETRY_BUDGET_MS = 30000;

  @IsOptional()
  @IntegerVariable(1)
  GENESYS_RATE_LIMIT_REQUESTS = 300;

  @IsOptional()
  @IntegerVariable(1)
  GENESYS_RATE_LIMIT_WINDOW_SECONDS = 60;
}

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

export const genesysConfig = registerAs('genesys', () => {
  const env = readEnvironment(GenesysEnvironment);
  const region = findRegion(env.GENESYS_REGION);
  return {
    region,
    loginUrl: withoutTrailingSlash(env.GENESYS_LOGIN_URL ?? loginHost(region)),
    apiUrl: withoutTrailingSlash(env.GENESYS_API_URL ?? apiHost(region)),
    webMessagingUrl: withoutTrailingSlash(env.GENESYS_WEBMESSAGING_URL ?? webMessagingHost(region)),
    clientId: env.GENESYS_CLIENT_ID,
    clientSecret: env.GENESYS_CLIENT_SECRET,
    deploymentId: env.GENESYS_DEPLOYMENT_ID,
    organizationId: env.GENESYS_ORGANIZATION_ID,
    tokenRefreshBufferSeconds: env.GENESYS_TOKEN_REFRESH_BUFFER_SECONDS,
    httpTimeoutMs: env.GENESYS_HTTP_TIMEOUT_MS,
    maxRetries: env.GENESYS_MAX_RETRIES,
    retryBudgetMs: env.GENESYS_RETRY_BUDGET_MS,
    rateLimit: { requests: env.GENESYS_RATE_LIMIT_REQUESTS, windowSeconds: env.GENESYS_RATE_LIMIT_WINDOW_SECONDS },
  };
});

export type GenesysConfig = ConfigType<typeof genesysConfig>;

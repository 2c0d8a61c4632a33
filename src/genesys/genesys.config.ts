import { registerAs, type ConfigType } from '@nestjs/config';
import { IsIn, IsOptional, IsString, IsUrl, IsUUID, ValidateIf } from 'class-validator';
import { readEnvironment } from '../config/environment';
import { GENESYS_REGION_DOMAINS, apiHost, findRegion, loginHost, type GenesysRegionDomain } from './genesys-regions';

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

  @IsOptional()
  @IsUUID('all', { message: 'GENESYS_DEPLOYMENT_ID must be the Messenger deployment id (a UUID)' })
  GENESYS_DEPLOYMENT_ID?: string;

  @IsOptional()
  @IsUUID('all', { message: 'GENESYS_ORGANIZATION_ID must be the Genesys Cloud organization id (a UUID)' })
  GENESYS_ORGANIZATION_ID?: string;

  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'GENESYS_LOGIN_URL must be an http(s) URL such as https://login.mypurecloud.com' })
  GENESYS_LOGIN_URL?: string;

  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'GENESYS_API_URL must be an http(s) URL such as https://api.mypurecloud.com' })
  GENESYS_API_URL?: string;
}

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

export const genesysConfig = registerAs('genesys', () => {
  const env = readEnvironment(GenesysEnvironment);
  const region = findRegion(env.GENESYS_REGION);
  return {
    region,
    loginUrl: withoutTrailingSlash(env.GENESYS_LOGIN_URL ?? loginHost(region)),
    apiUrl: withoutTrailingSlash(env.GENESYS_API_URL ?? apiHost(region)),
    clientId: env.GENESYS_CLIENT_ID,
    clientSecret: env.GENESYS_CLIENT_SECRET,
    deploymentId: env.GENESYS_DEPLOYMENT_ID,
    organizationId: env.GENESYS_ORGANIZATION_ID,
  };
});

export type GenesysConfig = ConfigType<typeof genesysConfig>;

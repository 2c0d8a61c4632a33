import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { IntegerVariable, readEnvironment } from './environment';
import type { EmulatorOptions } from './emulator-server';

/** Variables of the standalone emulator (`npm run emulator`); the gateway never reads them. */
export class EmulatorEnvironment {
  @IsOptional()
  @Matches(/^[\w.:-]+$/, { message: 'EMULATOR_HOST must be an interface address or host name' })
  EMULATOR_HOST = '127.0.0.1';

  @IsOptional()
  @IntegerVariable(0, 65535)
  EMULATOR_PORT = 8787;

  @IsOptional()
  @IsString()
  EMULATOR_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  EMULATOR_CLIENT_SECRET?: string;

  @IsOptional()
  @IsUUID('all', { message: 'EMULATOR_DEPLOYMENT_ID must be a UUID' })
  EMULATOR_DEPLOYMENT_ID?: string;

  @IsOptional()
  @IsUUID('all', { message: 'EMULATOR_ORGANIZATION_ID must be a UUID' })
  EMULATOR_ORGANIZATION_ID?: string;

  @IsOptional()
  @IntegerVariable(1)
  EMULATOR_TOKEN_LIFETIME_SECONDS = 86400;

  @IsOptional()
  @IntegerVariable(1)
  EMULATOR_RATE_LIMIT = 300;

  @IsOptional()
  @IntegerVariable(1)
  EMULATOR_RATE_WINDOW_SECONDS = 60;

  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'EMULATOR_ADMIN_ROUTES must be true or false' })
  EMULATOR_ADMIN_ROUTES = true;
}

export function emulatorOptionsFromEnvironment(env: NodeJS.ProcessEnv): EmulatorOptions {
  const config = readEnvironment(EmulatorEnvironment, env);
  return {
    host: config.EMULATOR_HOST,
    port: config.EMULATOR_PORT,
    clientId: config.EMULATOR_CLIENT_ID,
    clientSecret: config.EMULATOR_CLIENT_SECRET,
    deploymentId: config.EMULATOR_DEPLOYMENT_ID,
    organizationId: config.EMULATOR_ORGANIZATION_ID,
    tokenLifetimeSeconds: config.EMULATOR_TOKEN_LIFETIME_SECONDS,
    rateLimit: { limit: config.EMULATOR_RATE_LIMIT, windowSeconds: config.EMULATOR_RATE_WINDOW_SECONDS },
    adminRoutes: config.EMULATOR_ADMIN_ROUTES,
  };
}

import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { authConfig, type AuthConfig } from './auth.config';
import { CALLER_KEYS, callerKeys } from './caller-keys';
import { CallerKeysHealthIndicator } from './caller-keys.health';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';

/** Our callers: bearer JWTs checked by passport-jwt (secret or JWKS), scopes per route, development tokens. */
@Module({
  imports: [ConfigModule.forFeature(authConfig), TerminusModule],
  providers: [
    { provide: CALLER_KEYS, inject: [authConfig.KEY], useFactory: (config: AuthConfig) => callerKeys(config) },
    JwtStrategy,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    CallerKeysHealthIndicator,
  ],
  exports: [CallerKeysHealthIndicator],
})
export class AuthModule {}

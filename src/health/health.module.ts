import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module';
import { GenesysModule } from '../genesys/genesys.module';
import { HealthController } from './health.controller';

/** Liveness and readiness: the cache store, the Genesys token and our callers' keys. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), GenesysModule, AuthModule],
  controllers: [HealthController],
})
export class HealthModule {}

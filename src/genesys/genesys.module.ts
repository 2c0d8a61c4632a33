import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { GenesysRateLimiter } from './genesys-rate-limiter';
import { GenesysTokenService } from './genesys-token.service';
import { GenesysClient } from './genesys.client';
import { genesysConfig } from './genesys.config';
import { GenesysTokenHealthIndicator } from './genesys.health';

/**
 * Genesys Cloud's Platform API: the client (timeouts, retries, rate limit), its OAuth token service, and their health.
 */
@Module({
  imports: [ConfigModule.forFeature(genesysConfig), HttpModule, TerminusModule],
  providers: [GenesysClient, GenesysTokenService, GenesysRateLimiter, GenesysTokenHealthIndicator],
  exports: [GenesysClient, GenesysTokenHealthIndicator],
})
export class GenesysModule {}

import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module';
import { GenesysModule } from '../genesys/genesys.module';
import { HealthController } from './health.controller';
import { metricsConfig } from './metrics.config';
import { MetricsController } from './metrics.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), ConfigModule.forFeature(metricsConfig), GenesysModule, AuthModule],
  controllers: [HealthController, MetricsController],
})
export class HealthModule {}

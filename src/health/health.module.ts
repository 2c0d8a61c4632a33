import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { GenesysModule } from '../genesys/genesys.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), GenesysModule],
  controllers: [HealthController],
})
export class HealthModule {}

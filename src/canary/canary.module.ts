import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { genesysConfig } from '../genesys/genesys.config';
import { VerificationModule } from '../verification/verification.module';
import { WidgetConfigModule } from '../widget-config/widget-config.module';
import { canaryConfig } from './canary.config';
import { CanaryService } from './canary.service';

/** The canary: a synthetic customer over the Web Messaging Guest API whose conversation must come back verified. */
@Module({
  imports: [
    ConfigModule.forFeature(canaryConfig),
    ConfigModule.forFeature(genesysConfig),
    WidgetConfigModule,
    VerificationModule,
  ],
  providers: [CanaryService],
  exports: [CanaryService],
})
export class CanaryModule {}

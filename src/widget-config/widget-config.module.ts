import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AttributeRegistryModule } from '../attribute-registry/attribute-registry.module';
import { AttributeSignatureModule } from '../attribute-signature/attribute-signature.module';
import { genesysConfig } from '../genesys/genesys.config';
import { WidgetConfigController } from './widget-config.controller';
import { WidgetConfigService } from './widget-config.service';

/**
 * Issuing: a visitor's Messenger configuration, its attributes checked against the registry, signed and kept in the
 * ledger.
 */
@Module({
  imports: [ConfigModule.forFeature(genesysConfig), AttributeRegistryModule, AttributeSignatureModule],
  controllers: [WidgetConfigController],
  providers: [WidgetConfigService],
  exports: [WidgetConfigService],
})
export class WidgetConfigModule {}

import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AttributeSignatureModule } from '../attribute-signature/attribute-signature.module';
import { AttributeSigner } from '../attribute-signature/attribute-signer';
import { genesysConfig } from '../genesys/genesys.config';
import { loadAttributeRegistry } from './registry/attribute-registry.loader';
import { WidgetConfigController } from './widget-config.controller';
import { widgetConfigConfig, type WidgetConfigConfig } from './widget-config.config';
import { ATTRIBUTE_REGISTRY, WidgetConfigService } from './widget-config.service';

@Module({
  imports: [ConfigModule.forFeature(widgetConfigConfig), ConfigModule.forFeature(genesysConfig), AttributeSignatureModule],
  controllers: [WidgetConfigController],
  providers: [
    WidgetConfigService,
    {
      provide: ATTRIBUTE_REGISTRY,
      inject: [widgetConfigConfig.KEY, AttributeSigner],
      useFactory: (config: WidgetConfigConfig, signer: AttributeSigner) => loadAttributeRegistry(config.attributesFile, [signer.signatureName]),
    },
  ],
  exports: [ATTRIBUTE_REGISTRY, WidgetConfigService],
})
export class WidgetConfigModule {}

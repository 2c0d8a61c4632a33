import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AttributeSignatureModule } from '../attribute-signature/attribute-signature.module';
import { AttributeSigner } from '../attribute-signature/attribute-signer';
import { ATTRIBUTE_REGISTRY } from './attribute-definition';
import { attributeRegistryConfig, type AttributeRegistryConfig } from './attribute-registry.config';
import { loadAttributeRegistry } from './attribute-registry.loader';

/**
 * The attribute registry (ATTRIBUTES_FILE): what may be issued, how each value is checked, and the routing rules; read
 * by issuing, verification, audits and the canary.
 */
@Module({
  imports: [ConfigModule.forFeature(attributeRegistryConfig), AttributeSignatureModule],
  providers: [
    {
      provide: ATTRIBUTE_REGISTRY,
      inject: [attributeRegistryConfig.KEY, AttributeSigner],
      useFactory: (config: AttributeRegistryConfig, signer: AttributeSigner) =>
        loadAttributeRegistry(config.attributesFile, [signer.signatureName]),
    },
  ],
  exports: [ATTRIBUTE_REGISTRY],
})
export class AttributeRegistryModule {}

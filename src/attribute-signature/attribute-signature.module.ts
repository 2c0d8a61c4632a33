import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AttributeLedger } from './attribute-ledger';
import { attributeSignatureConfig } from './attribute-signature.config';
import { AttributeSigner } from './attribute-signer';

@Module({
  imports: [ConfigModule.forFeature(attributeSignatureConfig)],
  providers: [AttributeSigner, AttributeLedger],
  exports: [AttributeSigner, AttributeLedger],
})
export class AttributeSignatureModule {}

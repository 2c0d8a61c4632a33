import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AttributeLedger } from './attribute-ledger';
import { genesysConfig } from '../genesys/genesys.config';
import { attributeSignatureConfig } from './attribute-signature.config';
import { AttributeSigner } from './attribute-signer';

/**
 * The signature: its format as pure functions, the signer (keys from ATTRIBUTE_SIGNING_KEYS), and the ledger of issued
 * sets.
 */
@Module({
  // The signature binds the Messenger deployment id, which the Genesys settings hold.
  imports: [ConfigModule.forFeature(attributeSignatureConfig), ConfigModule.forFeature(genesysConfig)],
  providers: [AttributeSigner, AttributeLedger],
  exports: [AttributeSigner, AttributeLedger],
})
export class AttributeSignatureModule {}

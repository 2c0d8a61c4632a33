import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AttributeSignatureModule } from '../attribute-signature/attribute-signature.module';
import { GenesysModule } from '../genesys/genesys.module';
import { AttributeRegistryModule } from '../attribute-registry/attribute-registry.module';
import { VerificationController } from './verification.controller';
import { verificationConfig } from './verification.config';
import { VerificationService } from './verification.service';

/** Verification: a conversation's report, by id, by message id, in a batch, and the signature check for routing. */
@Module({
  imports: [
    ConfigModule.forFeature(verificationConfig),
    GenesysModule,
    AttributeSignatureModule,
    AttributeRegistryModule,
  ],
  controllers: [VerificationController],
  providers: [VerificationService],
  exports: [VerificationService],
})
export class VerificationModule {}

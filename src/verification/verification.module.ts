import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AttributeSignatureModule } from '../attribute-signature/attribute-signature.module';
import { GenesysModule } from '../genesys/genesys.module';
import { AttributeRegistryModule } from '../attribute-registry/attribute-registry.module';
import { VerificationController } from './verification.controller';
import { verificationConfig } from './verification.config';
import { VerificationService } from './verification.service';

@Module({
  imports: [ConfigModule.forFeature(verificationConfig), GenesysModule, AttributeSignatureModule, AttributeRegistryModule],
  controllers: [VerificationController],
  providers: [VerificationService],
  exports: [VerificationService],
})
export class VerificationModule {}

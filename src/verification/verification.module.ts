import { Module } from '@nestjs/common';
import { AttributeSignatureModule } from '../attribute-signature/attribute-signature.module';
import { GenesysModule } from '../genesys/genesys.module';
import { WidgetConfigModule } from '../widget-config/widget-config.module';
import { VerificationController } from './verification.controller';
import { VerificationService } from './verification.service';

@Module({
  imports: [GenesysModule, AttributeSignatureModule, WidgetConfigModule],
  controllers: [VerificationController],
  providers: [VerificationService],
  exports: [VerificationService],
})
export class VerificationModule {}

import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { GenesysModule } from '../genesys/genesys.module';
import { VerificationModule } from '../verification/verification.module';
import { AttributeRegistryModule } from '../attribute-registry/attribute-registry.module';
import { AuditController } from './audit.controller';
import { AuditRunner } from './audit-runner';
import { AuditScheduler } from './audit-scheduler';
import { AuditStore } from './audit-store';
import { auditConfig } from './audit.config';
import { AuditService } from './audit.service';
import { RollingAudit } from './rolling-audit';
import { RollingAuditStore } from './rolling-audit-store';

/**
 * Audits of whole periods through Genesys analytics details jobs: created, queued, run, resumed, read back and
 * cancelled; and the rolling audit that judges every conversation as it reaches the data lake.
 */
@Module({
  imports: [ConfigModule.forFeature(auditConfig), GenesysModule, VerificationModule, AttributeRegistryModule],
  controllers: [AuditController],
  providers: [AuditStore, AuditRunner, AuditScheduler, AuditService, RollingAuditStore, RollingAudit],
})
export class AuditModule {}

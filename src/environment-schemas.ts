import { AuditEnvironment } from './audit/audit.config';
import { AttributeSignatureEnvironment } from './attribute-signature/attribute-signature.config';
import { AuthEnvironment } from './auth/auth.config';
import { CanaryEnvironment } from './canary/canary.config';
import { CacheStoreEnvironment } from './cache-store/cache-store.config';
import { DevelopmentEnvironment } from './development/development-state';
import { GenesysEnvironment } from './genesys/genesys.config';
import { MetricsEnvironment } from './health/metrics.config';
import { VerificationEnvironment } from './verification/verification.config';
import { WidgetConfigEnvironment } from './widget-config/widget-config.config';
import { AppEnvironment } from './config/app.config';
import type { EnvironmentSchema } from './config/environment';

/** Every config slice of the service; start-up validates them together. */
export const ENVIRONMENT_SCHEMAS: readonly EnvironmentSchema<object>[] = [
  AppEnvironment,
  GenesysEnvironment,
  CacheStoreEnvironment,
  AuthEnvironment,
  AttributeSignatureEnvironment,
  WidgetConfigEnvironment,
  VerificationEnvironment,
  AuditEnvironment,
  CanaryEnvironment,
  MetricsEnvironment,
  DevelopmentEnvironment,
];

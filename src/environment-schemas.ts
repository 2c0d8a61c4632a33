import { AuditEnvironment } from './audit/audit.config';
import { AttributeSignatureEnvironment } from './attribute-signature/attribute-signature.config';
import { AuthEnvironment } from './auth/auth.config';
import { CanaryEnvironment } from './canary/canary.config';
import { CacheStoreEnvironment } from './cache-store/cache-store.config';
import { DevelopmentEnvironment } from './development/development-state';
import { GenesysEnvironment } from './genesys/genesys.config';
import { MetricsEnvironment } from './metrics/scrape/metrics-scrape.config';
import { VerificationEnvironment } from './verification/verification.config';
import { resolve } from 'node:path';
import { AttributeRegistryEnvironment } from './attribute-registry/attribute-registry.config';
import { loadAttributeRegistry } from './attribute-registry/attribute-registry.loader';
import { AppEnvironment } from './config/app.config';
import {
  ConfigurationError,
  assertValidEnvironment,
  configurationSource,
  readEnvironment,
  type EnvironmentSchema,
} from './config/environment';

/** Every config slice of the service; start-up validates them together. */
export const ENVIRONMENT_SCHEMAS: readonly EnvironmentSchema<object>[] = [
  AppEnvironment,
  GenesysEnvironment,
  CacheStoreEnvironment,
  AuthEnvironment,
  AttributeSignatureEnvironment,
  AttributeRegistryEnvironment,
  VerificationEnvironment,
  AuditEnvironment,
  CanaryEnvironment,
  MetricsEnvironment,
  DevelopmentEnvironment,
];

const problemsOf = (check: () => unknown): readonly string[] => {
  try {
    check();
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
};

/**
 * Everything a start needs right before Nest builds anything: every variable, then the attribute
 * registry file, reported together as one list. Checked here because a provider that throws
 * while Nest builds the application is logged by Nest (a coloured stack, the problems twice) and
 * ends the process before the entry point can say what is wrong.
 */
export function assertValidConfiguration(env: NodeJS.ProcessEnv = configurationSource()): void {
  const problems = [...problemsOf(() => assertValidEnvironment(ENVIRONMENT_SCHEMAS, env))];
  problems.push(
    ...problemsOf(() => {
      const file = readEnvironment(AttributeRegistryEnvironment, env).ATTRIBUTES_FILE;
      const { ATTRIBUTE_SIGNATURE_NAME } = readEnvironment(AttributeSignatureEnvironment, env);
      loadAttributeRegistry(resolve(file), [ATTRIBUTE_SIGNATURE_NAME]);
    }).filter((problem) => !problems.includes(problem)),
  );
  if (problems.length > 0) throw new ConfigurationError(problems);
}

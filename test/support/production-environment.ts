import { ConfigurationError, assertValidEnvironment } from '../../src/config/environment';
import { ENVIRONMENT_SCHEMAS } from '../../src/environment-schemas';

/**
 * What production will not start without, from its own start-up report with nothing set: one
 * entry per problem, the variables that would each settle it ("JWT_SECRET or JWT_JWKS_URL").
 */
export function requiredInProduction(): string[][] {
  try {
    assertValidEnvironment(ENVIRONMENT_SCHEMAS, { NODE_ENV: 'production' });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return error.problems.map((problem) => /^[A-Z0-9_]+(?: or [A-Z0-9_]+)*/.exec(problem)![0].split(' or '));
  }
  throw new Error('production started with nothing set');
}

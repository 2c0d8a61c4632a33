import { AppEnvironment } from './app.config';
import { GenesysEnvironment } from '../genesys/genesys.config';
import type { EnvironmentSchema } from './environment';

/** Every config slice of the service; start-up validates them together. */
export const ENVIRONMENT_SCHEMAS: readonly EnvironmentSchema<object>[] = [AppEnvironment, GenesysEnvironment];

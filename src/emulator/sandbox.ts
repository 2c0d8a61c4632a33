import { startGenesysEmulator, type RunningEmulator } from './emulator-server';

/**
 * Sandbox mode: with no Genesys credentials (and never in production, which config validation
 * refuses) the service starts the emulator beside itself and points its Genesys settings at it.
 * Admin routes are on, so QA can inject faults against the running sandbox.
 */
export async function startSandboxEmulator(env: NodeJS.ProcessEnv = process.env): Promise<RunningEmulator> {
  const emulator = await startGenesysEmulator({ adminRoutes: true, seed: true });
  env.GENESYS_LOGIN_URL = emulator.url;
  env.GENESYS_API_URL = emulator.url;
  env.GENESYS_CLIENT_ID = emulator.clientId;
  env.GENESYS_CLIENT_SECRET = emulator.clientSecret;
  env.GENESYS_DEPLOYMENT_ID ??= emulator.deploymentId;
  env.GENESYS_ORGANIZATION_ID ??= emulator.organizationId;
  return emulator;
}

export const needsSandbox = (env: NodeJS.ProcessEnv = process.env): boolean => !env.GENESYS_CLIENT_ID;

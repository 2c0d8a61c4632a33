import type { CommandOutput } from '../../src/bin/service-command';
import { genesysSettingsFor } from '../../src/development/development-state';
import { startTestApp, withEnvironment, type TestApp } from './test-app';
import { TEST_JWT_SECRET } from './test-tokens';

/**
 * The signing keys a CLI test shares between the service under test and the command, so the command verifies what the
 * service issued.
 */
export const COMMAND_SIGNING_KEYS = 'qa:a-signing-secret-shared-by-service-and-cli';

/**
 * A service against the emulator, and the environment a CLI command run beside it reads: the
 * same signing key and JWT secret, Genesys pointed at the same emulator, no Redis.
 */
export async function startAppForCommands(
  extra: Record<string, string> = {},
): Promise<{ t: TestApp; env: Record<string, string | undefined> }> {
  const t = await startTestApp({ env: { ATTRIBUTE_SIGNING_KEYS: COMMAND_SIGNING_KEYS } });
  const env = {
    NODE_ENV: 'test',
    REDIS_URL: undefined,
    JWT_SECRET: TEST_JWT_SECRET,
    ATTRIBUTE_SIGNING_KEYS: COMMAND_SIGNING_KEYS,
    ...extra,
    ...genesysSettingsFor(t.emulator),
  };
  return { t, env };
}

/** Runs a CLI command's entry function under `env`, with what it writes to stdout and stderr captured. */
export async function runCaptured(
  command: (output: CommandOutput) => Promise<number>,
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await withEnvironment(env, () =>
    command({ stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }),
  );
  return { code, stdout, stderr };
}

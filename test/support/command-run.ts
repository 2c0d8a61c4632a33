import type { CommandOutput } from '../../src/bin/service-command';
import { withEnvironment } from './test-app';

/** Runs a CLI command's entry function under `env`, with what it writes to stdout and stderr captured. */
export async function runCaptured(
  command: (output: CommandOutput) => Promise<number>,
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await withEnvironment(env, () => command({ stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }));
  return { code, stdout, stderr };
}

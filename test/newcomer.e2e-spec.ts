import { spawn } from 'node:child_process';
import { generateAuditSample } from './support/audit-sample';
import { startAppForCommands } from './support/command-run';
import { compileService, type CompiledService } from './support/compiled-service';
import type { TestApp } from './support/test-app';

const HOUR = 3_600_000;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled entry point as a terminal would, optionally with a reader that closes its end of stdout at once (`| head -0`). */
function run(entry: string, args: string[], env: Record<string, string | undefined>, options: { closeStdout?: boolean } = {}): Promise<Finished> {
  const child = spawn(process.execPath, [entry, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  if (options.closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('what a newcomer meets, from real processes', () => {
  let build: CompiledService;
  let t: TestApp;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    build = compileService();
    ({ t, env } = await startAppForCommands({ AUDIT_POLL_INTERVAL_MS: '200' }));
    const end = Date.now() - 25 * HOUR;
    await generateAuditSample(t.app, t.emulator, { start: end - 2 * HOUR, end }, { intact: 30, tampered: 2 });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    build.remove();
  });

  it('ends a CLI quietly, exit 0, when the reader has closed the pipe (`npm run audit -- --csv | head`)', async () => {
    const result = await run(build.entry('audit'), ['--since', '27h', '--until', '24h', '--csv'], env, { closeStdout: true });
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(result.code).toBe(0);
  });
});

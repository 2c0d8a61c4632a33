import { Command } from 'commander';
import { CanaryService, type CanaryResult } from '../canary/canary.service';
import { jsonForTerminal, neutralise } from '../logging/printable-text';
import { runCommand, withServiceContext, type CommandOutput } from './service-command';

/** Exit codes, documented in docs/cli.md and the command's help. */
export const CANARY_EXIT = { ok: 0, broken: 1, usage: 2, notChecked: 3 } as const;

function resultText(result: CanaryResult): string {
  const { timings } = result;
  return [
    `canary ${result.canaryId}: ${result.ok ? 'OK' : 'BROKEN'} (${result.status}) in ${timings.totalMs} ms`,
    `  issue ${timings.issueMs} ms, session ${timings.sessionMs} ms, send ${timings.sendMs} ms, verify ${timings.verifyMs} ms`,
    ...(result.conversationId ? [`  conversation ${result.conversationId}`] : []),
    ...(result.messageId ? [`  message ${result.messageId}`] : []),
    ...(result.problem ? [`  problem: ${neutralise(result.problem)}`] : []),
    ...(result.hint ? [`  hint: ${neutralise(result.hint)}`] : []),
    '',
  ].join('\n');
}

async function runCanary(json: boolean, output: CommandOutput): Promise<number> {
  return withServiceContext(CANARY_EXIT, async (app) => {
    const result = await app.get(CanaryService).run();
    output.stdout(json ? jsonForTerminal(result) : resultText(result));
    return result.ok ? CANARY_EXIT.ok : CANARY_EXIT.broken;
  });
}

/**
 * `npm run canary [-- --json]`: a synthetic customer sends a signed attribute set through the Web
 * Messaging Guest API and verifies what arrived; prints ok or broken with timings. Configured as
 * the service (GENESYS_*, ATTRIBUTE_SIGNING_KEYS, CANARY_*), or against the sandbox of a running
 * `npm start`. Returns the exit code, for cron or a Kubernetes CronJob.
 */
export async function runCanaryCommand(args: readonly string[], output: CommandOutput): Promise<number> {
  let exitCode: number = CANARY_EXIT.usage;
  const program = new Command('npm run canary --')
    .description(
      'Sends a signed attribute set through Web Messaging as a visitor would, and verifies that it arrived intact and in time.',
    )
    .option('--json', 'print the result as JSON (nothing else goes to stdout)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok; 1 broken (the attributes did not arrive verified, or the Guest API failed); 2 usage or configuration error; 3 not checked (Genesys Cloud or the sandbox not answering).',
    )
    .action(async (options: { json?: boolean }) => {
      exitCode = await runCanary(options.json === true, output);
    });
  return runCommand('canary', program, args, output, CANARY_EXIT, () => exitCode);
}

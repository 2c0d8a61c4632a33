import { HttpException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { AppModule } from '../app.module';
import { CanaryService, type CanaryResult } from '../canary/canary.service';
import { ConfigurationError, assertValidEnvironment, configurationSource, useConfigurationOverrides } from '../config/environment';
import { ENVIRONMENT_SCHEMAS } from '../environment-schemas';
import { jsonForTerminal, neutralise } from '../verification/report-text';
import { CommandFailure, pointAtGenesys, type CommandOutput } from './genesys-target';

/** Exit codes, documented in the README and the command's help. */
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
  if (existsSync('.env')) process.loadEnvFile('.env');
  useConfigurationOverrides({});
  assertValidEnvironment(ENVIRONMENT_SCHEMAS);
  const { sandboxUrl, settings } = pointAtGenesys(configurationSource(), CANARY_EXIT);
  useConfigurationOverrides(settings);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    const result = await app.get(CanaryService).run();
    output.stdout(json ? jsonForTerminal(result) : resultText(result));
    return result.ok ? CANARY_EXIT.ok : CANARY_EXIT.broken;
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    const hint = sandboxUrl ? ` (Genesys Cloud here is the sandbox at ${sandboxUrl}: is \`npm start\` still running?)` : '';
    throw new CommandFailure(`${error.message}${hint}`, CANARY_EXIT.notChecked);
  } finally {
    await app.close();
  }
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
    .description('Sends a signed attribute set through Web Messaging as a visitor would, and verifies that it arrived intact and in time.')
    .option('--json', 'print the result as JSON (nothing else goes to stdout)')
    .addHelpText('after', '\nExit codes: 0 ok; 1 broken (the attributes did not arrive verified, or the Guest API failed); 2 usage or configuration error; 3 not checked (Genesys Cloud or the sandbox not answering).')
    .exitOverride()
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr })
    .action(async (options: { json?: boolean }) => {
      exitCode = await runCanary(options.json === true, output);
    });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : CANARY_EXIT.usage;
    if (error instanceof CommandFailure) {
      output.stderr(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigurationError) {
      output.stderr(`${error.message}\n`);
      return CANARY_EXIT.usage;
    }
    output.stderr(`canary failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return CANARY_EXIT.notChecked;
  }
}

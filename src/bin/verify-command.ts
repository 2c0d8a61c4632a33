import { HttpException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { isUUID } from 'class-validator';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { AppModule } from '../app.module';
import { ConfigurationError, assertValidEnvironment, configurationSource, useConfigurationOverrides } from '../config/environment';
import { ENVIRONMENT_SCHEMAS } from '../environment-schemas';
import { CommandFailure, pointAtGenesys, type CommandOutput } from './genesys-target';
import { reportJson, reportText } from '../verification/report-text';
import { VerificationService } from '../verification/verification.service';

/** Exit codes, documented in the README and the command's help. */
export const VERIFY_EXIT = { verified: 0, notVerified: 1, usage: 2, notChecked: 3 } as const;


function conversationIdArgument(value: string): string {
  if (!isUUID(value, 'all')) throw new InvalidArgumentError('a conversation id is a UUID.');
  return value;
}

async function verify(conversationId: string, json: boolean, output: CommandOutput): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  useConfigurationOverrides({});
  assertValidEnvironment(ENVIRONMENT_SCHEMAS);
  const { sandboxUrl, settings } = pointAtGenesys(configurationSource(), VERIFY_EXIT);
  useConfigurationOverrides(settings);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    const report = await app.get(VerificationService).verifyConversation(conversationId);
    output.stdout(json ? reportJson(report) : reportText(report));
    return report.status === 'verified' ? VERIFY_EXIT.verified : VERIFY_EXIT.notVerified;
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    const hint = sandboxUrl ? ` (Genesys Cloud here is the sandbox at ${sandboxUrl}: is \`npm start\` still running?)` : '';
    throw new CommandFailure(`${error.message}${hint}`, VERIFY_EXIT.notChecked);
  } finally {
    await app.close();
  }
}

/**
 * `npm run verify -- <conversationId> [--json]`: the verification report in a terminal, from the
 * same environment as the service (GENESYS_*, ATTRIBUTE_SIGNING_KEYS, REDIS_URL for the ledger),
 * or from the sandbox of a running `npm start`. Reads process.env; returns the exit code.
 */
export async function runVerifyCommand(args: readonly string[], output: CommandOutput): Promise<number> {
  let exitCode: number = VERIFY_EXIT.usage;
  const program = new Command('npm run verify --')
    .description('Verifies the custom attributes of a Genesys Cloud conversation, as GET /api/verification/conversations/{id} does.')
    .argument('<conversationId>', 'the conversation id (UUID)', conversationIdArgument)
    .option('--json', 'print the report as JSON (nothing else goes to stdout)')
    .addHelpText(
      'after',
      '\nExit codes: 0 verified; 1 checked and not verified (any other status); 2 usage or configuration error; 3 not checked (unknown conversation, Genesys Cloud or the sandbox not answering).',
    )
    .exitOverride()
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr })
    .action(async (conversationId: string, options: { json?: boolean }) => {
      exitCode = await verify(conversationId, options.json === true, output);
    });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has written the usage problem, or the help (its exit code 0), already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : VERIFY_EXIT.usage;
    if (error instanceof CommandFailure) {
      output.stderr(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigurationError) {
      output.stderr(`${error.message}\n`);
      return VERIFY_EXIT.usage;
    }
    output.stderr(`verify failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return VERIFY_EXIT.notChecked;
  }
}

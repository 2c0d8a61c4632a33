import { isUUID } from 'class-validator';
import { Command, InvalidArgumentError } from 'commander';
import { reportJson, reportText } from '../verification/report-text';
import { VerificationService } from '../verification/verification.service';
import { runCommand, withServiceContext, type CommandOutput } from './service-command';

/** Exit codes, documented in docs/cli.md and the command's help. */
export const VERIFY_EXIT = { verified: 0, notVerified: 1, usage: 2, notChecked: 3 } as const;

function conversationIdArgument(value: string): string {
  if (!isUUID(value, 'all')) throw new InvalidArgumentError('a conversation id is a UUID.');
  return value;
}

async function verify(conversationId: string, json: boolean, output: CommandOutput): Promise<number> {
  return withServiceContext(VERIFY_EXIT, async (app) => {
    const report = await app.get(VerificationService).verifyConversation(conversationId);
    output.stdout(json ? reportJson(report) : reportText(report));
    return report.status === 'verified' ? VERIFY_EXIT.verified : VERIFY_EXIT.notVerified;
  });
}

/**
 * `npm run verify -- <conversationId> [--json]`: the verification report in a terminal, from the
 * same environment as the service (GENESYS_*, ATTRIBUTE_SIGNING_KEYS, REDIS_URL for the ledger),
 * or from the sandbox of a running `npm start`. Reads process.env; returns the exit code.
 */
export async function runVerifyCommand(args: readonly string[], output: CommandOutput): Promise<number> {
  let exitCode: number = VERIFY_EXIT.usage;
  const program = new Command('npm run verify --')
    .description(
      'Verifies the custom attributes of a Genesys Cloud conversation, as GET /api/verification/conversations/{id} does.',
    )
    .argument('<conversationId>', 'the conversation id (UUID)', conversationIdArgument)
    .option('--json', 'print the report as JSON (nothing else goes to stdout)')
    .addHelpText(
      'after',
      '\nExit codes: 0 verified; 1 checked and not verified (any other status); 2 usage or configuration error; 3 not checked (unknown conversation, Genesys Cloud or the sandbox not answering).',
    )
    .action(async (conversationId: string, options: { json?: boolean }) => {
      exitCode = await verify(conversationId, options.json === true, output);
    });
  return runCommand('verify', program, args, output, VERIFY_EXIT, () => exitCode);
}

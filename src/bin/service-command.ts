import { HttpException, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommanderError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { AppModule } from '../app.module';
import { ApiError } from '../errors/api-error';
import { ConfigurationError, configurationSource, useConfigurationOverrides } from '../config/environment';
import { AttributeLedger } from '../attribute-signature/attribute-ledger';
import {
  developmentState,
  keepsDevelopmentState,
  runningSandboxes,
  sandboxEnvironment,
  type SeededSet,
} from '../development/development-state';
import { assertValidConfiguration } from '../environment-schemas';

/** Where a command writes: the terminal's two streams, or a test's buffers. */
export interface CommandOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A failure a command reports on stderr, in a sentence, with the exit code it ends with. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * Where Genesys Cloud is: GENESYS_* as the service reads them, or, when they are unset in
 * development, the sandbox of an `npm start` running in this folder (the development state file
 * says where): the one whose service listens on PORT when PORT is set, else the newest. Returns
 * the settings that point there (as configuration overrides), and for a sandbox its URL and the
 * sets it seeded, for the command's ledger.
 */
export function pointAtGenesys(
  env: NodeJS.ProcessEnv,
  exit: { usage: number; notChecked: number },
): { sandboxUrl?: string; seeded: SeededSet[]; settings: Record<string, string> } {
  if (env.GENESYS_CLIENT_ID) return { seeded: [], settings: {} };
  if (!keepsDevelopmentState(env)) {
    throw new CommandFailure(
      'Set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (and GENESYS_REGION, or GENESYS_LOGIN_URL and GENESYS_API_URL), as for the service.',
      exit.usage,
    );
  }
  const { sandbox } = developmentState(env);
  const running = runningSandboxes(env);
  if (running.length === 0) {
    throw new CommandFailure(
      'No sandbox is running in this folder: start the service with `npm start`, or set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET.',
      exit.notChecked,
    );
  }
  const chosen = env.PORT ? running.find((candidate) => String(candidate.servicePort) === env.PORT) : running.at(-1);
  if (!chosen) {
    const ports = running.map((candidate) => candidate.servicePort).join(', ');
    throw new CommandFailure(
      `No sandbox in this folder belongs to a service on PORT ${env.PORT}; the running ones serve ${ports}.`,
      exit.notChecked,
    );
  }
  return {
    sandboxUrl: chosen.url,
    seeded: chosen.seeded,
    settings: sandboxEnvironment({ ...sandbox, url: chosen.url }, env),
  };
}

/** The exit codes every service-backed command gives these outcomes. */
export interface CommandExits {
  usage: number;
  notChecked: number;
}

/**
 * What a failure the service answered with means for a command. The caller's own mistake (400,
 * 422: a period too long, one ending before it starts) is a usage error; anything else is "not
 * checked", and only Genesys not answering at all earns the hint that the sandbox may be gone:
 * a 404 is the sandbox answering.
 */
export function commandFailureFor(
  error: HttpException,
  exits: CommandExits,
  sandboxUrl: string | undefined,
): CommandFailure {
  const status = error.getStatus();
  if (status === 400 || status === 422) return new CommandFailure(error.message, exits.usage);
  const unanswered = error instanceof ApiError && error.code === 'upstream_unavailable';
  const hint =
    unanswered && sandboxUrl
      ? ` (Genesys Cloud here is the sandbox at ${sandboxUrl}: is \`npm start\` still running?)`
      : '';
  return new CommandFailure(`${error.message}${hint}`, exits.notChecked);
}

/**
 * Runs `work` in an application context of the service, configured as the service is (its
 * environment and `.env`), or pointed at the sandbox of a running `npm start`. A failure the
 * service answers with ends as commandFailureFor says.
 */
export async function withServiceContext<T>(
  exits: CommandExits,
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  useConfigurationOverrides({});
  assertValidConfiguration();
  const { sandboxUrl, seeded, settings } = pointAtGenesys(configurationSource(), exits);
  useConfigurationOverrides(settings);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const ledger = app.get(AttributeLedger);
  for (const { nonce, set } of seeded) ledger.record(nonce, set);
  try {
    return await work(app);
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    throw commandFailureFor(error, exits, sandboxUrl);
  } finally {
    await app.close();
  }
}

/**
 * The process's own stdout and stderr for a command. A reader that stops early (`| head`) closes
 * the pipe; the next write fails with EPIPE, which unhandled is a stack trace. The reader has
 * what it wanted, so the command ends there, quietly, with 0.
 */
export function terminalOutput(): CommandOutput {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(0);
    });
  }
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  };
}

/**
 * Parses `args` with a commander program whose action sets the exit code through `exitCode`,
 * and turns every failure into its exit code and one line on stderr: usage problems (commander
 * has written them), command failures, configuration errors (the start-up report), anything else.
 */
export async function runCommand(
  label: string,
  program: Command,
  args: readonly string[],
  output: CommandOutput,
  exits: CommandExits,
  exitCode: () => number,
): Promise<number> {
  program.exitOverride().configureOutput({ writeOut: output.stdout, writeErr: output.stderr });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : exits.usage;
    if (error instanceof CommandFailure) {
      output.stderr(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigurationError) {
      output.stderr(`${error.message}\n`);
      return exits.usage;
    }
    output.stderr(`${label} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return exits.notChecked;
  }
}

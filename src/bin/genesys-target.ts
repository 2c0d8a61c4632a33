import { developmentState, keepsDevelopmentState, sandboxEnvironment } from '../development/development-state';

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
 * development, the sandbox the last `npm start` in this folder started (the development state
 * file says where). Returns the settings that point there (as configuration overrides), and the
 * sandbox URL when it is the sandbox.
 */
export function pointAtGenesys(env: NodeJS.ProcessEnv, exit: { usage: number; notChecked: number }): { sandboxUrl?: string; settings: Record<string, string> } {
  if (env.GENESYS_CLIENT_ID) return { settings: {} };
  if (!keepsDevelopmentState(env)) {
    throw new CommandFailure(
      'Set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (and GENESYS_REGION, or GENESYS_LOGIN_URL and GENESYS_API_URL), as for the service.',
      exit.usage,
    );
  }
  const { sandbox } = developmentState(env);
  if (!sandbox.url) {
    throw new CommandFailure('No sandbox has run in this folder: start the service with `npm start`, or set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET.', exit.notChecked);
  }
  return { sandboxUrl: sandbox.url, settings: sandboxEnvironment({ ...sandbox, url: sandbox.url }, env) };
}


import {
  developmentState,
  forgetRunningSandbox,
  keepsDevelopmentState,
  recordRunningSandbox,
  sandboxEnvironment,
  type SeededSet,
} from './development-state';
import { startGenesysEmulator, type DemoShop, type RunningEmulator } from 'genesys-emulator';

/**
 * Sandbox mode: with no Genesys credentials (and never in production, which config validation
 * refuses) the development launcher starts the emulator and hands the service the GENESYS_*
 * settings that point at it (`settings`, as configuration overrides).
 * Admin routes are on, so QA can inject faults against the running sandbox. In development mode
 * the emulator keeps its credentials and deployment id across restarts (the development state
 * file); `announceSandbox` records there where it listens, so the CLIs can reach it.
 */
export async function startSandboxEmulator(
  env: NodeJS.ProcessEnv,
  demo?: DemoShop,
): Promise<{ emulator: RunningEmulator; settings: Record<string, string> }> {
  const kept = keepsDevelopmentState(env) ? developmentState(env).sandbox : undefined;
  const emulator = await startGenesysEmulator({
    adminRoutes: true,
    seed: true,
    ...(demo ? { demo } : {}),
    ...(kept
      ? {
          clientId: kept.clientId,
          clientSecret: kept.clientSecret,
          deploymentId: kept.deploymentId,
          organizationId: kept.organizationId,
        }
      : {}),
  });
  // The demo shop is served by the emulator: its origin may call the gateway.
  const corsOrigins = [env.CORS_ORIGINS, demo ? emulator.url : undefined].filter(Boolean).join(',');
  return {
    emulator,
    settings: { ...sandboxEnvironment(emulator, env), ...(corsOrigins ? { CORS_ORIGINS: corsOrigins } : {}) },
  };
}

/**
 * Tells the CLIs (`npm run verify`, `npm run audit`) where the sandbox listens, which service
 * port it belongs to and what it seeded. Called once the service listens too: a start that fails
 * (its port taken by another `npm start`) must not point them at an emulator that dies with it.
 */
export function announceSandbox(
  emulator: RunningEmulator,
  servicePort: number,
  seeded: readonly SeededSet[],
  env: NodeJS.ProcessEnv,
): void {
  if (keepsDevelopmentState(env))
    recordRunningSandbox({ url: emulator.url, servicePort, pid: process.pid, seeded: [...seeded] }, env);
}

/** The sandbox has closed: the CLIs no longer pick it (others in the folder stay). */
export function withdrawSandbox(emulator: RunningEmulator, env: NodeJS.ProcessEnv): void {
  if (keepsDevelopmentState(env)) forgetRunningSandbox(emulator.url, env);
}

const DEFAULT_PORT = 3000;

export const needsSandbox = (env: NodeJS.ProcessEnv): boolean => !env.GENESYS_CLIENT_ID;

/** A conversation the sandbox holds for QA to verify, with what its report should say. */
export interface SandboxExample {
  conversationId: string;
  description: string;
}

/**
 * What QA needs to use the sandbox, in a few lines for the terminal (the emulator's credentials
 * are development values). Off the default port the commands name PORT, which picks this
 * sandbox when several run in the folder.
 */
export function describeSandbox(
  emulator: RunningEmulator,
  examples: readonly SandboxExample[],
  servicePort = DEFAULT_PORT,
): string {
  const width = Math.max(...examples.map((example) => example.conversationId.length));
  const npm = servicePort === DEFAULT_PORT ? 'npm' : `PORT=${servicePort} npm`;
  return [
    '',
    'Sandbox: GENESYS_CLIENT_ID is not set, so Genesys Cloud is replaced by the local emulator.',
    `  emulator       ${emulator.url}   (faults, settings, counters: /emulator/admin/...)`,
    `  credentials    GENESYS_CLIENT_ID=${emulator.clientId} GENESYS_CLIENT_SECRET=${emulator.clientSecret}`,
    `  deployment id  ${emulator.deploymentId}`,
    `  guest api      ${emulator.url.replace(/^http/, 'ws')}/v1?deploymentId=${emulator.deploymentId}   (Web Messaging, as Messenger speaks it)`,
    `  ingest         POST ${emulator.url}/emulator/webmessaging/messages   (the same, as one REST call)`,
    ...(emulator.demo
      ? [
          `  demo shop      ${emulator.url}/demo/   (docs/frontend.md's snippet in a page: sign in, chat, see the verdict)`,
        ]
      : []),
    '  conversations',
    ...examples.map((example) => `    ${example.conversationId.padEnd(width)}  ${example.description}`),
    `  try            ${npm} run verify -- ${examples[0]?.conversationId ?? '<conversationId>'}`,
    `  audit          ${npm} run audit -- --since 24h   (a day of generated conversations: some tampered, unsigned, issued after they started)`,
    '',
  ].join('\n');
}

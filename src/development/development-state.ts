import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ConfigurationError, configurationSource, readEnvironment } from '../config/environment';

export class DevelopmentEnvironment {
  /** Read, not validated here: the state file is only used in development. */
  readonly NODE_ENV?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024, { message: 'DEVELOPMENT_STATE_FILE must be a file path of at most 1024 characters' })
  DEVELOPMENT_STATE_FILE = '.wm-gateway.dev.json';
}

/** The sandbox emulator's identity, kept so that a restart brings back the same credentials and deployment. */
export interface SandboxIdentity {
  clientId: string;
  clientSecret: string;
  deploymentId: string;
  organizationId: string;
  /** Where the sandbox of the most recent `npm start` listens (a free port each run). */
  url?: string;
}

/**
 * What development mode makes up once and keeps: the JWT secret behind the printed tokens, the
 * attribute signing key and the sandbox's identity. Kept in a git-ignored file so that a restart
 * keeps Swagger's saved token working and the verify CLI checks signatures with the service's key.
 */
export interface DevelopmentState {
  jwtSecret: string;
  /** base64url, 32 random bytes. */
  attributeSigningSecret: string;
  sandbox: SandboxIdentity;
}

function createState(): DevelopmentState {
  return {
    jwtSecret: randomBytes(32).toString('base64url'),
    attributeSigningSecret: randomBytes(32).toString('base64url'),
    sandbox: {
      clientId: randomUUID(),
      clientSecret: randomBytes(24).toString('base64url'),
      deploymentId: randomUUID(),
      organizationId: randomUUID(),
    },
  };
}

const isText = (value: unknown, min = 1): value is string => typeof value === 'string' && value.length >= min && value.length <= 256;

function isState(value: unknown): value is DevelopmentState {
  const state = value as Partial<DevelopmentState> | null;
  const sandbox = state?.sandbox as Partial<SandboxIdentity> | undefined;
  return (
    isText(state?.jwtSecret, 32) &&
    isText(state?.attributeSigningSecret, 32) &&
    isText(sandbox?.clientId) &&
    isText(sandbox?.clientSecret) &&
    isText(sandbox?.deploymentId) &&
    isText(sandbox?.organizationId) &&
    (sandbox?.url === undefined || isText(sandbox.url))
  );
}

/** Whether this environment keeps development state: development mode only (NODE_ENV unset counts), never tests or production. */
export function keepsDevelopmentState(env: NodeJS.ProcessEnv = configurationSource()): boolean {
  return (env.NODE_ENV || 'development') === 'development';
}

const stateFile = (env: NodeJS.ProcessEnv) => readEnvironment(DevelopmentEnvironment, env).DEVELOPMENT_STATE_FILE;

function read(file: string): DevelopmentState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    parsed = undefined;
  }
  // Never echo the content: it holds secrets.
  if (!isState(parsed)) throw new ConfigurationError([`DEVELOPMENT_STATE_FILE ${file} is not a development state file of this service; delete it to start afresh`]);
  return parsed;
}

/**
 * The development state, created on first use (readable by the owner only). Two processes that
 * start together agree: the file is created exclusively, and the loser reads the winner's.
 */
export function developmentState(env: NodeJS.ProcessEnv = configurationSource()): DevelopmentState {
  const file = stateFile(env);
  try {
    writeFileSync(file, `${JSON.stringify(createState(), null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return read(file);
}

function replace(file: string, state: DevelopmentState): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** Records where this run's sandbox listens, for the CLIs; replaces the file atomically. */
export function recordSandboxUrl(url: string, env: NodeJS.ProcessEnv = configurationSource()): void {
  const file = stateFile(env);
  const state = read(file);
  replace(file, { ...state, sandbox: { ...state.sandbox, url } });
}

/**
 * Forgets where the sandbox listened once it has closed, so the CLIs say that none is running
 * instead of retrying a closed port; left alone when a later `npm start` has recorded its own.
 */
export function forgetSandboxUrl(url: string, env: NodeJS.ProcessEnv = configurationSource()): void {
  const file = stateFile(env);
  const state = read(file);
  if (state.sandbox.url !== url) return;
  const identity: SandboxIdentity = { ...state.sandbox };
  delete identity.url;
  replace(file, { ...state, sandbox: identity });
}

/** The GENESYS_* settings that point the service at an emulator: the one mapping of its coordinates to variables. */
export function genesysSettingsFor(emulator: SandboxIdentity & { url: string }): Record<string, string> {
  return {
    GENESYS_LOGIN_URL: emulator.url,
    GENESYS_API_URL: emulator.url,
    GENESYS_WEBMESSAGING_URL: emulator.url.replace(/^http/, 'ws'),
    GENESYS_CLIENT_ID: emulator.clientId,
    GENESYS_CLIENT_SECRET: emulator.clientSecret,
    GENESYS_DEPLOYMENT_ID: emulator.deploymentId,
    GENESYS_ORGANIZATION_ID: emulator.organizationId,
  };
}

/**
 * The GENESYS_* settings that point a process at a sandbox emulator. The deployment and
 * organization ids are only defaults: ones set explicitly stay.
 */
export function sandboxEnvironment(sandbox: SandboxIdentity & { url: string }, env: NodeJS.ProcessEnv = configurationSource()): Record<string, string> {
  return {
    ...genesysSettingsFor(sandbox),
    GENESYS_DEPLOYMENT_ID: env.GENESYS_DEPLOYMENT_ID || sandbox.deploymentId,
    GENESYS_ORGANIZATION_ID: env.GENESYS_ORGANIZATION_ID || sandbox.organizationId,
  };
}

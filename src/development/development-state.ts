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
}

/**
 * What the sandbox issued for one of its seeded conversations, under its signature's nonce: the
 * attribute ledger's record, spelled out here because this layer sits below the ledger's.
 */
export interface SeededSet {
  nonce: string;
  set: { userId: string; issuedAt: string; attributes: Record<string, string> };
}

/**
 * A running `npm start` with its sandbox: several can run in one folder (another PORT), and the
 * CLIs pick one. Each holds the ledger of what it seeded, because a CLI's process has no share in
 * the service's memory (no Redis in development) and would otherwise report every seeded
 * attribute as merely present.
 */
export interface RunningSandbox {
  /** Where its emulator listens (a free port each run). */
  url: string;
  /** The port its service listens on (PORT). */
  servicePort: number;
  pid: number;
  seeded: SeededSet[];
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
  /** Oldest first. */
  running?: RunningSandbox[];
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

const isText = (value: unknown, min = 1): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= 256;
/**
 * Bounds that keep a hand-edited or corrupt file cheap to read: a folder runs a few sandboxes, each seeding a few sets.
 */
const MAX_RUNNING = 16;
const MAX_SEEDED = 256;
const MAX_ATTRIBUTES = 64;

const isPort = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535;

function isSeededSet(value: unknown): value is SeededSet {
  const seeded = value as Partial<SeededSet> | null;
  const set = seeded?.set as Partial<SeededSet['set']> | undefined;
  const attributes = set?.attributes as unknown;
  return (
    isText(seeded?.nonce) &&
    isText(set?.userId) &&
    isText(set?.issuedAt) &&
    typeof attributes === 'object' &&
    attributes !== null &&
    Object.keys(attributes).length <= MAX_ATTRIBUTES &&
    Object.entries(attributes).every(([name, text]) => isText(name) && typeof text === 'string' && text.length <= 2048)
  );
}

function isRunningSandbox(value: unknown): value is RunningSandbox {
  const running = value as Partial<RunningSandbox> | null;
  return (
    isText(running?.url) &&
    isPort(running?.servicePort) &&
    Number.isInteger(running?.pid) &&
    Array.isArray(running?.seeded) &&
    running.seeded.length <= MAX_SEEDED &&
    running.seeded.every(isSeededSet)
  );
}

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
    (state?.running === undefined ||
      (Array.isArray(state.running) && state.running.length <= MAX_RUNNING && state.running.every(isRunningSandbox)))
  );
}

/**
 * Whether this environment keeps development state: development mode only (NODE_ENV unset counts), never tests or
 * production.
 */
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
  if (!isState(parsed))
    throw new ConfigurationError([
      `DEVELOPMENT_STATE_FILE ${file} is not a development state file of this service; delete it to start afresh`,
    ]);
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

/**
 * Writes the state whole, then puts it in place. The temporary file is new (O_CREAT | O_EXCL, so
 * nothing planted at its name, a symlink least of all, is followed or overwritten) and its name
 * unguessable.
 */
function replace(file: string, state: DevelopmentState): void {
  const temporary = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  renameSync(temporary, file);
}

/** Whether a process still runs; EPERM is a live process of another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The sandboxes of this folder that still run: an entry whose process died without its close hook (SIGKILL, a crash) is
 * not one.
 */
export function runningSandboxes(env: NodeJS.ProcessEnv = configurationSource()): RunningSandbox[] {
  return (read(stateFile(env)).running ?? []).filter((running) => isAlive(running.pid));
}

/**
 * Adds this run's sandbox for the CLIs, beside those still running (a second `npm start` on
 * another PORT leaves the first one's entry alone); replaces the file atomically.
 */
export function recordRunningSandbox(entry: RunningSandbox, env: NodeJS.ProcessEnv = configurationSource()): void {
  const file = stateFile(env);
  const state = read(file);
  const others = (state.running ?? []).filter((running) => running.url !== entry.url && isAlive(running.pid));
  replace(file, { ...state, running: [...others.slice(-(MAX_RUNNING - 1)), entry] });
}

/**
 * Forgets a sandbox once it has closed, so the CLIs say that none is running instead of retrying its port; the others
 * stay.
 */
export function forgetRunningSandbox(url: string, env: NodeJS.ProcessEnv = configurationSource()): void {
  const file = stateFile(env);
  const state = read(file);
  if (!(state.running ?? []).some((running) => running.url === url)) return;
  replace(file, { ...state, running: (state.running ?? []).filter((running) => running.url !== url) });
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
export function sandboxEnvironment(
  sandbox: SandboxIdentity & { url: string },
  env: NodeJS.ProcessEnv = configurationSource(),
): Record<string, string> {
  return {
    ...genesysSettingsFor(sandbox),
    GENESYS_DEPLOYMENT_ID: env.GENESYS_DEPLOYMENT_ID || sandbox.deploymentId,
    GENESYS_ORGANIZATION_ID: env.GENESYS_ORGANIZATION_ID || sandbox.organizationId,
  };
}

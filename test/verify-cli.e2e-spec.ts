import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERIFY_EXIT, runVerifyCommand } from '../src/bin/verify-command';
import { developmentState, recordRunningSandbox } from '../src/development/development-state';
import { startTestEmulator, type TestEmulator } from 'genesys-emulator';
import { runCaptured, startAppForCommands } from './support/command-run';
import { WITHOUT_GENESYS_SETTINGS, type TestApp } from './support/test-app';
import { visitorToken } from './support/test-tokens';

const UNKNOWN = '11111111-2222-4333-8444-555555555555';

const run = (args: string[], env: Record<string, string | undefined>) =>
  runCaptured((output) => runVerifyCommand(args, output), env);

describe('npm run verify, with the service environment', () => {
  let t: TestApp;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    ({ t, env } = await startAppForCommands());
  });
  afterAll(() => t.close());

  async function conversationWith(edit: Record<string, string> = {}): Promise<string> {
    const issued = await t.http
      .get('/api/web-messaging/config')
      .set('Authorization', `Bearer ${visitorToken()}`)
      .expect(200);
    return t.emulator.sendFirstMessage({ ...issued.body.guestAttributes, ...edit });
  }

  it('verifies what the service issued, from an application context of its own with the same signing key, exit 0', async () => {
    const result = await run([await conversationWith()], env);
    expect(result).toMatchObject({ code: VERIFY_EXIT.verified, stderr: '' });
    expect(result.stdout).toMatch(/^conversation [0-9a-f-]{36}: VERIFIED\nuser usr_1001, issued /);
  });

  it('prints JSON and nothing else with --json, exit 1 when tampered', async () => {
    const result = await run([await conversationWith({ userTier: 'Silver' }), '--json'], env);
    expect(result.code).toBe(VERIFY_EXIT.notVerified);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'tampered', signatureProblem: 'mismatch' });
  });

  it('shows control characters a visitor wrote as escapes, never raw', async () => {
    // Names outside the registry are printed (their values are not ours to show): a visitor chooses them.
    const result = await run([await conversationWith({ 'x\u001b[2J\u001b]0;owned\u0007\u009b': 'x' })], env);
    expect(result.stdout).toContain('x\\u001b[2J\\u001b]0;owned\\u0007\\u009b');
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('exits 3 with the reason on stderr when Genesys does not know the conversation', async () => {
    expect(await run([UNKNOWN], env)).toEqual({
      code: VERIFY_EXIT.notChecked,
      stdout: '',
      stderr: 'Genesys Cloud has no conversation with this id.\n',
    });
  });

  it('exits 2 on a malformed id, and 0 with --help', async () => {
    const malformed = await run(['not-a-uuid'], env);
    expect(malformed.code).toBe(VERIFY_EXIT.usage);
    expect(malformed.stderr).toContain('a conversation id is a UUID');
    const help = await run(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 verified; 1 checked and not verified');
  });
});

describe('npm run verify, against the sandbox of a running npm start', () => {
  let emulator: TestEmulator;
  const stateFile = join(mkdtempSync(join(tmpdir(), 'dev-state-')), '.wm-gateway.dev.json');
  const development = {
    NODE_ENV: 'development',
    DEVELOPMENT_STATE_FILE: stateFile,
    REDIS_URL: undefined,
    JWT_SECRET: undefined,
    ATTRIBUTE_SIGNING_KEYS: undefined,
    ...WITHOUT_GENESYS_SETTINGS,
  };

  beforeAll(async () => {
    const { sandbox } = developmentState({ DEVELOPMENT_STATE_FILE: stateFile });
    emulator = await startTestEmulator({
      clientId: sandbox.clientId,
      clientSecret: sandbox.clientSecret,
      deploymentId: sandbox.deploymentId,
      seed: true,
    });
  });
  afterAll(() => emulator.close());

  it('says no sandbox has run when the state file names none, or only ones whose process has died, exit 3', async () => {
    const result = await run(['0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f'], development);
    expect(result.code).toBe(VERIFY_EXIT.notChecked);
    expect(result.stderr).toContain('No sandbox is running in this folder');
    // A pid beyond any the kernel hands out: a sandbox killed without its close hook.
    recordRunningSandbox(
      { url: emulator.url, servicePort: 3000, pid: 2 ** 30, seeded: [] },
      { DEVELOPMENT_STATE_FILE: stateFile },
    );
    expect((await run(['0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f'], development)).stderr).toContain(
      'No sandbox is running in this folder',
    );
  });

  it('finds the sandbox through the development state file and reports its seeded conversation', async () => {
    recordRunningSandbox(
      { url: emulator.url, servicePort: 3000, pid: process.pid, seeded: [] },
      { DEVELOPMENT_STATE_FILE: stateFile },
    );
    const result = await run(['0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f'], development);
    expect(result).toMatchObject({ code: VERIFY_EXIT.notVerified, stderr: '' });
    expect(result.stdout).toContain('UNSIGNED');
  });

  it('picks the sandbox whose service listens on PORT when PORT is set', async () => {
    recordRunningSandbox(
      { url: emulator.url, servicePort: 3000, pid: process.pid, seeded: [] },
      { DEVELOPMENT_STATE_FILE: stateFile },
    );
    expect((await run(['0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f'], { ...development, PORT: '3000' })).code).toBe(
      VERIFY_EXIT.notVerified,
    );
    expect(await run(['0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f'], { ...development, PORT: '3005' })).toEqual({
      code: VERIFY_EXIT.notChecked,
      stdout: '',
      stderr: 'No sandbox in this folder belongs to a service on PORT 3005; the running ones serve 3000.\n',
    });
  });

  it('reports an id the sandbox does not know as not checked, without asking whether the sandbox still runs (it answered)', async () => {
    recordRunningSandbox(
      { url: emulator.url, servicePort: 3000, pid: process.pid, seeded: [] },
      { DEVELOPMENT_STATE_FILE: stateFile },
    );
    expect(await run(['9d6f0a52-4c1b-4f7e-8a3d-2b5c6e7f8091'], development)).toEqual({
      code: VERIFY_EXIT.notChecked,
      stdout: '',
      stderr: 'Genesys Cloud has no conversation with this id.\n',
    });
  });
});

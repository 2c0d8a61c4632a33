import { lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchDevelopmentService } from '../src/development-launcher';
import { ConfigurationError } from '../src/config/environment';
import { VERIFY_EXIT, runVerifyCommand } from '../src/bin/verify-command';
import {
  developmentState,
  keepsDevelopmentState,
  recordRunningSandbox,
  runningSandboxes,
} from '../src/development/development-state';
import { runCaptured } from './support/command-run';
import { WITHOUT_GENESYS_SETTINGS, withEnvironment } from './support/test-app';

const stateFileIn = () => join(mkdtempSync(join(tmpdir(), 'dev-state-')), '.wm-gateway.dev.json');

describe('development state', () => {
  it('is kept in development only (NODE_ENV unset, empty or development)', () => {
    expect(
      [undefined, '', 'development', 'test', 'production'].map((NODE_ENV) => keepsDevelopmentState({ NODE_ENV })),
    ).toEqual([true, true, true, false, false]);
  });

  it('is created once, readable by its owner only, and read back the same by every later process', () => {
    const env = { DEVELOPMENT_STATE_FILE: stateFileIn() };
    const first = developmentState(env);
    expect(statSync(env.DEVELOPMENT_STATE_FILE).mode & 0o777).toBe(0o600);
    expect(developmentState(env)).toEqual(first);
    expect(first.jwtSecret).not.toBe(first.attributeSigningSecret);
  });

  it('is replaced through a new temporary file: a symlink planted where it used to be written is not followed', () => {
    const env = { DEVELOPMENT_STATE_FILE: stateFileIn() };
    developmentState(env);
    const victim = join(mkdtempSync(join(tmpdir(), 'victim-')), 'authorized_keys');
    writeFileSync(victim, 'untouched\n');
    // The name the state was once written to first, predictable from the process id.
    symlinkSync(victim, `${env.DEVELOPMENT_STATE_FILE}.${process.pid}.tmp`);
    recordRunningSandbox({ url: 'http://127.0.0.1:1', servicePort: 1, pid: process.pid, seeded: [] }, env);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(runningSandboxes(env).map((sandbox) => sandbox.url)).toEqual(['http://127.0.0.1:1']);
    expect(lstatSync(env.DEVELOPMENT_STATE_FILE).isFile()).toBe(true);
  });

  it('refuses a file that is not a state file, without echoing what it holds', () => {
    const env = { DEVELOPMENT_STATE_FILE: stateFileIn() };
    writeFileSync(env.DEVELOPMENT_STATE_FILE, '{"jwtSecret":"short-secret-value"}');
    expect(() => developmentState(env)).toThrow(ConfigurationError);
    expect(() => developmentState(env)).toThrow(/delete it to start afresh/);
    try {
      developmentState(env);
    } catch (error) {
      expect((error as Error).message).not.toContain('short-secret-value');
    }
  });
});

describe('development mode across a restart', () => {
  const file = stateFileIn();
  const development = {
    NODE_ENV: 'development',
    DEVELOPMENT_STATE_FILE: file,
    LOG_LEVEL: 'silent',
    REDIS_URL: undefined,
    JWT_SECRET: undefined,
    JWT_ISSUER: undefined,
    JWT_AUDIENCE: undefined,
    ATTRIBUTE_SIGNING_KEYS: undefined,
    ...WITHOUT_GENESYS_SETTINGS,
  };

  async function startAndCall(token: string | undefined) {
    return withEnvironment(development, async () => {
      let printed = '';
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
        printed += String(text);
        return true;
      });
      const app = await launchDevelopmentService();
      try {
        await app.listen(0, '127.0.0.1').finally(() => write.mockRestore());
        const serviceToken = /internal service \([^)]*\):\s+(\S+)/.exec(printed)?.[1];
        const verifiedId = /([0-9a-f-]{36})\s+signed, intact \(verified\)/.exec(printed)?.[1];
        const deploymentId = /deployment id\s+(\S+)/.exec(printed)?.[1];
        const response = await fetch(`${await app.getUrl()}/api/verification/conversations/${verifiedId}`, {
          headers: { authorization: `Bearer ${token ?? serviceToken}` },
        });
        const emulatorUrl = /emulator\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1];
        const demoSession = (await (await fetch(`${emulatorUrl}/demo/session.json`)).json()) as {
          serviceToken: string;
          visitorToken: string;
        };
        return {
          printed,
          serviceToken,
          deploymentId,
          demoSession,
          status: response.status,
          report: (await response.json()) as { status: string },
        };
      } finally {
        await app.close();
      }
    });
  }

  it('keeps one sandbox entry per running npm start: a second on another PORT, or one refused its port, leaves the first one usable', async () => {
    await withEnvironment(development, async () => {
      let printed = '';
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
        printed += String(text);
        return true;
      });
      const open = new Set<Awaited<ReturnType<typeof launchDevelopmentService>>>();
      const close = async (app: Awaited<ReturnType<typeof launchDevelopmentService>>) => {
        open.delete(app);
        await app.close();
      };
      const urls = () => runningSandboxes(development).map((running) => running.url);
      try {
        const first = await launchDevelopmentService();
        open.add(first);
        await first.listen(0, '127.0.0.1');
        const port = Number(new URL(await first.getUrl()).port);
        const [firstUrl] = urls();
        expect(firstUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(runningSandboxes(development)[0]).toMatchObject({ servicePort: port, pid: process.pid });

        // `PORT=3001 npm start` beside it, then stopped: the first one's entry stays.
        const second = await launchDevelopmentService();
        open.add(second);
        await second.listen(0, '127.0.0.1');
        expect(urls()).toHaveLength(2);
        await close(second);
        expect(urls()).toEqual([firstUrl]);

        // A second `npm start` whose port is taken: no tokens, no banner, no entry.
        printed = '';
        const refused = await launchDevelopmentService();
        open.add(refused);
        await expect(refused.listen(port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
        expect(printed).toBe('');
        await close(refused);
        expect(urls()).toEqual([firstUrl]);

        await close(first);
        expect(urls()).toEqual([]);
      } finally {
        write.mockRestore();
        await Promise.all([...open].map((app) => app.close()));
      }
    });
  });

  it('gives the verify CLI the ledger of what the sandbox seeded: the tampered example names the edited attribute and its issued value', async () => {
    await withEnvironment(development, async () => {
      let printed = '';
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
        printed += String(text);
        return true;
      });
      const app = await launchDevelopmentService();
      try {
        await app.listen(0, '127.0.0.1').finally(() => write.mockRestore());
        const tampered = /([0-9a-f-]{36})\s+signed, userTier edited to (\w+) \(tampered\)/.exec(printed);
        const result = await runCaptured(
          (output) => runVerifyCommand([tampered?.[1] ?? '', '--json'], output),
          development,
        );
        expect(result.code).toBe(VERIFY_EXIT.notVerified);
        const report = JSON.parse(result.stdout) as {
          status: string;
          attributes: { name: string; status: string; arrived?: string; issued?: string }[];
        };
        expect(report.status).toBe('tampered');
        expect(report.attributes.find((row) => row.name === 'userTier')).toMatchObject({
          status: 'mismatch',
          arrived: tampered?.[2],
          issued: 'Gold',
        });
        expect(report.attributes.filter((row) => row.status === 'present')).toEqual([]);
      } finally {
        await app.close();
      }
    });
  });

  it('keeps the printed token valid and the sandbox identity the same, and its signed example verifies', async () => {
    const first = await startAndCall(undefined);
    expect(first).toMatchObject({ status: 200, report: { status: 'verified' } });
    expect(first.printed).toContain('ingest         POST http://127.0.0.1:');
    const second = await startAndCall(first.serviceToken);
    expect(second).toMatchObject({ status: 200, report: { status: 'verified' }, deploymentId: first.deploymentId });
  });

  it("hands the demo shop's page a token that only reads reports, for an hour: nothing that could issue attributes", async () => {
    const { demoSession } = await startAndCall(undefined);
    const claims = JSON.parse(Buffer.from(demoSession.serviceToken.split('.')[1], 'base64url').toString()) as {
      scope: string;
      iat: number;
      exp: number;
    };
    expect(claims.scope).toBe('conversations:verify');
    expect(claims.exp - claims.iat).toBe(3600);
  });
});

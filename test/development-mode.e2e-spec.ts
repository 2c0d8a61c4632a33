import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchDevelopmentService } from '../src/development-launcher';
import { ConfigurationError } from '../src/config/environment';
import { developmentState, keepsDevelopmentState } from '../src/development/development-state';
import { WITHOUT_GENESYS_SETTINGS, withEnvironment } from './support/test-app';

const stateFileIn = () => join(mkdtempSync(join(tmpdir(), 'dev-state-')), '.wm-gateway.dev.json');

describe('development state', () => {
  it('is kept in development only (NODE_ENV unset, empty or development)', () => {
    expect([undefined, '', 'development', 'test', 'production'].map((NODE_ENV) => keepsDevelopmentState({ NODE_ENV }))).toEqual([true, true, true, false, false]);
  });

  it('is created once, readable by its owner only, and read back the same by every later process', () => {
    const env = { DEVELOPMENT_STATE_FILE: stateFileIn() };
    const first = developmentState(env);
    expect(statSync(env.DEVELOPMENT_STATE_FILE).mode & 0o777).toBe(0o600);
    expect(developmentState(env)).toEqual(first);
    expect(first.jwtSecret).not.toBe(first.attributeSigningSecret);
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
        return { printed, serviceToken, deploymentId, status: response.status, report: (await response.json()) as { status: string } };
      } finally {
        await app.close();
      }
    });
  }

  it('points the CLIs at the sandbox only while its service listens: a start that fails leaves a running one in place', async () => {
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
      try {
        const running = await launchDevelopmentService();
        open.add(running);
        await running.listen(0, '127.0.0.1');
        const runningUrl = developmentState(development).sandbox.url;
        expect(runningUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const port = Number(new URL(await running.getUrl()).port);

        // A second `npm start` in the same folder whose port is taken.
        printed = '';
        const refused = await launchDevelopmentService();
        open.add(refused);
        await expect(refused.listen(port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
        expect(developmentState(development).sandbox.url).toBe(runningUrl);
        expect(printed).not.toContain('Sandbox:');
        await close(refused);
        expect(developmentState(development).sandbox.url).toBe(runningUrl);

        await close(running);
        expect(developmentState(development).sandbox.url).toBeUndefined();
      } finally {
        write.mockRestore();
        await Promise.all([...open].map((app) => app.close()));
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
});

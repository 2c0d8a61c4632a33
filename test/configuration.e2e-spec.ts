import { createApp } from '../src/bootstrap';
import { ConfigurationError } from '../src/config/environment';
import { launchDevelopmentService } from '../src/development-launcher';
import { genesysConfig, type GenesysConfig } from '../src/genesys/genesys.config';
import { readJson } from 'genesys-emulator';
import { WITHOUT_GENESYS_SETTINGS, withEnvironment } from './support/test-app';

async function startUpFailure(env: Record<string, string | undefined>): Promise<ConfigurationError> {
  const error = await withEnvironment(env, () =>
    createApp().then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (reason: unknown) => reason,
    ),
  );
  expect(error).toBeInstanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe('start-up configuration', () => {
  it('refuses an unknown GENESYS_REGION, naming the variable and the accepted domains', async () => {
    const error = await startUpFailure({ GENESYS_REGION: 'mypurecloud.co.uk' });
    expect(error.problems).toEqual([expect.stringContaining('GENESYS_REGION must be a Genesys Cloud region domain')]);
    expect(error.message).toContain('mypurecloud.ie');
  });

  it('refuses a malformed GENESYS_API_URL', async () => {
    const error = await startUpFailure({ GENESYS_API_URL: 'api.mypurecloud.com/no-scheme' });
    expect(error.problems).toEqual([expect.stringContaining('GENESYS_API_URL must be an http(s) URL')]);
  });

  it('lists every offending variable of every slice in one go', async () => {
    const keys = 'k1:first-signing-secret-of-32-bytes-or-more,k1:second-signing-secret-of-32-bytes-or-more';
    const error = await startUpFailure({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      GENESYS_LOGIN_URL: 'ftp://login.example',
      ATTRIBUTE_SIGNING_KEYS: keys,
    });
    expect(error.problems.map((problem) => problem.split(' ')[0])).toEqual(
      expect.arrayContaining(['PORT', 'LOG_LEVEL', 'GENESYS_LOGIN_URL']),
    );
    // A key id given twice: one clear line, no secret in it.
    expect(error.problems).toContain('ATTRIBUTE_SIGNING_KEYS names key id "k1" twice; each key needs its own kid');
    expect(error.message).not.toContain('signing-secret');
  });

  it('lists a cross-field rule (algorithms that do not fit the key source) with every other problem, before anything starts', async () => {
    const error = await startUpFailure({
      PORT: 'eighty',
      JWT_SECRET: undefined,
      JWT_JWKS_URL: 'https://idp.example/jwks',
      JWT_ALGORITHMS: 'HS256',
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('PORT'),
        'JWT_ALGORITHMS: HS256 cannot be verified with keys from JWT_JWKS_URL',
      ]),
    );
  });

  it('names a missing client id without echoing the secret that was given', async () => {
    const error = await startUpFailure({ GENESYS_CLIENT_ID: undefined, GENESYS_CLIENT_SECRET: 'hush-hush-0123456789' });
    expect(error.message).toContain('GENESYS_CLIENT_ID must be set when GENESYS_CLIENT_SECRET is set');
    expect(error.message).not.toContain('hush-hush');
  });

  it('refuses to run in production without Genesys credentials, naming both variables', async () => {
    const error = await startUpFailure({
      NODE_ENV: 'production',
      GENESYS_CLIENT_ID: undefined,
      GENESYS_CLIENT_SECRET: undefined,
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('GENESYS_CLIENT_ID must be set when NODE_ENV=production'),
        expect.stringContaining('GENESYS_CLIENT_SECRET must be set when NODE_ENV=production'),
      ]),
    );
  });
});

describe('sandbox mode', () => {
  const genesysVariables = WITHOUT_GENESYS_SETTINGS;

  const quietly = <T>(run: () => Promise<T>) => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    return run().finally(() => write.mockRestore());
  };

  it('starts the emulator beside the service when no credentials are set, and stops it with the service', async () => {
    const { app, environmentAfterwards } = await withEnvironment(
      { ...genesysVariables, JWT_SECRET: undefined },
      async () => {
        const before = { ...process.env };
        const launched = await quietly(() => launchDevelopmentService());
        return { app: launched, environmentAfterwards: { before, after: { ...process.env } } };
      },
    );
    // The sandbox coordinates and the development JWT secret reach the configuration, not process.env.
    expect(environmentAfterwards.after).toEqual(environmentAfterwards.before);
    const { apiUrl, deploymentId } = app.get<GenesysConfig>(genesysConfig.KEY);
    expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const info = await readJson(await fetch(`${apiUrl}/emulator`));
    expect(info).toMatchObject({ name: 'Genesys Cloud emulator', deploymentId, adminRoutes: true });
    await app.close();
    await expect(fetch(`${apiUrl}/emulator`)).rejects.toThrow();
  });

  it('starts nothing of the emulator when credentials are set', async () => {
    const app = await withEnvironment(
      { ...genesysVariables, GENESYS_CLIENT_ID: 'client', GENESYS_CLIENT_SECRET: 'secret-value-for-test' },
      () => quietly(() => launchDevelopmentService()),
    );
    expect(app.get<GenesysConfig>(genesysConfig.KEY).apiUrl).toBe('https://api.mypurecloud.com');
    await app.close();
  });
});

describe('genesys config slice', () => {
  it('derives the login and API hosts from the region', async () => {
    const config = await withEnvironment({ GENESYS_REGION: 'mypurecloud.de' }, async () => genesysConfig());
    expect(config.loginUrl).toBe('https://login.mypurecloud.de');
    expect(config.apiUrl).toBe('https://api.mypurecloud.de');
    expect(config.region.messengerEnvironment).toBe('prod-euc1');
  });

  it('lets GENESYS_LOGIN_URL and GENESYS_API_URL override the region hosts', async () => {
    const config = await withEnvironment(
      { GENESYS_LOGIN_URL: 'http://127.0.0.1:8787/', GENESYS_API_URL: 'http://localhost:8787' },
      async () => genesysConfig(),
    );
    expect(config.loginUrl).toBe('http://127.0.0.1:8787');
    expect(config.apiUrl).toBe('http://localhost:8787');
    expect(config.region.domain).toBe('mypurecloud.com');
  });

  it('treats an empty variable as unset', async () => {
    const config = await withEnvironment({ GENESYS_REGION: '', GENESYS_API_URL: '' }, async () => genesysConfig());
    expect(config.apiUrl).toBe('https://api.mypurecloud.com');
  });
});

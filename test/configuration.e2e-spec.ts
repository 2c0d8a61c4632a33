import { createApp } from '../src/bootstrap';
import { ConfigurationError } from '../src/config/environment';
import { genesysConfig } from '../src/genesys/genesys.config';
import { withEnvironment } from './support/test-app';

async function startUpFailure(env: Record<string, string | undefined>): Promise<ConfigurationError> {
  const error = await withEnvironment(env, () => createApp().then(
    async (app) => {
      await app.close();
      return undefined;
    },
    (reason: unknown) => reason,
  ));
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
    const error = await startUpFailure({ PORT: 'eighty', LOG_LEVEL: 'loud', GENESYS_LOGIN_URL: 'ftp://login.example' });
    expect(error.problems.map((problem) => problem.split(' ')[0])).toEqual(
      expect.arrayContaining(['PORT', 'LOG_LEVEL', 'GENESYS_LOGIN_URL']),
    );
  });

  it('names a missing client id without echoing the secret that was given', async () => {
    const error = await startUpFailure({ GENESYS_CLIENT_ID: undefined, GENESYS_CLIENT_SECRET: 'hush-hush-0123456789' });
    expect(error.message).toContain('GENESYS_CLIENT_ID must be set when GENESYS_CLIENT_SECRET is set');
    expect(error.message).not.toContain('hush-hush');
  });

  it('starts on defaults with nothing set', async () => {
    const app = await createApp();
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

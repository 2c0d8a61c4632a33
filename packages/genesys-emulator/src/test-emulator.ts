import { startGenesysEmulator, type EmulatorOptions, type RunningEmulator } from './emulator-server';

export interface TestEmulator extends RunningEmulator {
  /** Requests a client-credentials token the way the API notes describe. */
  fetchToken(): Promise<string>;
  /** GET on the emulator with an optional bearer token. */
  get(path: string, token?: string): Promise<Response>;
  /** POST JSON on the emulator with an optional bearer token. */
  post(path: string, body: unknown, token?: string): Promise<Response>;
  /** PUT JSON on the emulator (the admin routes' settings and stream). */
  put(path: string, body: unknown): Promise<Response>;
  /** DELETE on the emulator. */
  delete(path: string): Promise<Response>;
  /**
   * A visitor's first message through the Messenger ingest, carrying these custom attributes: the new conversation's
   * id.
   */
  sendFirstMessage(customAttributes: Record<string, string>): Promise<string>;
}

/** The emulator in-process on 127.0.0.1 and a free port, admin routes on, with small HTTP helpers. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await startGenesysEmulator({ adminRoutes: true, ...options, host: '127.0.0.1', port: 0 });
  const bearer = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const send = (method: 'POST' | 'PUT', path: string, body: unknown, token?: string) =>
    fetch(`${emulator.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify(body),
    });
  const post = (path: string, body: unknown, token?: string) => send('POST', path, body, token);
  return {
    ...emulator,
    close: () => emulator.close(),
    async fetchToken() {
      const response = await fetch(`${emulator.url}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      if (response.status !== 200) throw new Error(`token request answered ${response.status}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    get: (path, token) => fetch(`${emulator.url}${path}`, { headers: bearer(token) }),
    post,
    put: (path, body) => send('PUT', path, body),
    delete: (path) => fetch(`${emulator.url}${path}`, { method: 'DELETE' }),
    async sendFirstMessage(customAttributes) {
      const response = await post('/emulator/webmessaging/messages', {
        deploymentId: emulator.deploymentId,
        message: { type: 'Text', text: 'Hi', channel: { metadata: { customAttributes } } },
      });
      if (response.status !== 201)
        throw new Error(`the Messenger ingest answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { conversationId: string }).conversationId;
    },
  };
}

/** A response body for assertions; tests check shapes with expectShape rather than with types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const readJson = (response: Response): Promise<any> => response.json();

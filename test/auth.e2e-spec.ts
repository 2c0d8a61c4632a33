import { sign } from 'jsonwebtoken';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevelopmentCredentials } from '../src/auth/development-credentials';
import { ConfigurationError } from '../src/config/environment';
import { authConfig } from '../src/auth/auth.config';
import { GenesysProbeController } from './support/genesys-probe.controller';
import { startJwksServer, type JwksServer } from './support/jwks-server';
import { rsaKeyPair } from './support/rsa-key-pair';
import { startTestApp, withEnvironment, type TestApp } from './support/test-app';
import {
  TEST_JWT_AUDIENCE,
  TEST_JWT_ISSUER,
  serviceToken,
  signTestToken,
  signWithJwksKey,
  visitorToken,
} from './support/test-tokens';

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function expectRejected(t: TestApp, token: string | undefined, code: string) {
  const request = t.http.get('/probe/whoami');
  if (token !== undefined) request.set('Authorization', `Bearer ${token}`);
  const response = await request.expect(401);
  expect(response.body).toEqual({
    statusCode: 401,
    error: 'unauthorized',
    message: expect.any(String),
    details: [{ code, message: expect.any(String) }],
    requestId: expect.any(String),
  });
  expect(response.headers['www-authenticate']).toContain('Bearer');
  if (token) expect(JSON.stringify(response.body)).not.toContain(token);
}

describe("our callers' JWTs, HS256 with JWT_SECRET", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ controllers: [GenesysProbeController] });
  });
  afterAll(() => t.close());

  it('accepts a valid token and exposes the caller', async () => {
    const response = await t.http.get('/probe/whoami').set('Authorization', `Bearer ${visitorToken()}`).expect(200);
    expect(response.body).toEqual({ subject: 'usr_1001', scopes: [] });
  });

  it('refuses a request without a token', () => expectRejected(t, undefined, 'token_missing'));

  it('refuses an expired token, but allows the configured clock skew', async () => {
    await expectRejected(t, signTestToken({ sub: 'u', exp: now() - 120 }, { expiresIn: undefined }), 'token_expired');
    await t.http
      .get('/probe/whoami')
      .set('Authorization', `Bearer ${signTestToken({ sub: 'u', exp: now() - 10 }, { expiresIn: undefined })}`)
      .expect(200);
  });

  it('refuses a token that is not valid yet', () =>
    expectRejected(t, signTestToken({ sub: 'u', nbf: now() + 600 }), 'token_not_yet_valid'));

  it('refuses a wrong issuer and a wrong audience', async () => {
    await expectRejected(t, signTestToken({ sub: 'u' }, { issuer: 'https://evil.example' }), 'issuer_mismatch');
    await expectRejected(t, signTestToken({ sub: 'u' }, { audience: 'someone-else' }), 'audience_mismatch');
  });

  it('refuses a wrong signature', () =>
    expectRejected(t, signTestToken({ sub: 'u' }, {}, 'another-secret-that-is-also-32-bytes-long'), 'token_invalid'));

  it('refuses alg none', () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', iss: TEST_JWT_ISSUER, aud: TEST_JWT_AUDIENCE, exp: now() + 60 })}.`;
    return expectRejected(t, unsigned, 'token_invalid');
  });

  it('refuses an RS256 token', async () => {
    const jwks = await startJwksServer();
    const key = jwks.newKey();
    await jwks.close();
    const token = sign({ sub: 'u' }, key.privateKey, {
      algorithm: 'RS256',
      issuer: TEST_JWT_ISSUER,
      audience: TEST_JWT_AUDIENCE,
      expiresIn: '5m',
    });
    await expectRejected(t, token, 'token_invalid');
  });

  it('refuses a token without exp, with exp 1e20, or issued a year ahead', async () => {
    await expectRejected(t, signTestToken({ sub: 'u' }, { expiresIn: undefined }), 'token_without_expiry');
    await expectRejected(
      t,
      signTestToken({ sub: 'u', exp: 1e20 }, { expiresIn: undefined }),
      'token_lifetime_too_long',
    );
    await expectRejected(
      t,
      signTestToken({ sub: 'u', iat: now() + 365 * 86400, exp: now() + 365 * 86400 + 60 }, { expiresIn: undefined }),
      'token_issued_in_future',
    );
  });

  it('refuses a token with a crit header, which it cannot honour (RFC 7515 4.1.11)', async () => {
    const critical = signTestToken({ sub: 'u' }, { header: { alg: 'HS256', crit: ['b64'], b64: false } as never });
    await expectRejected(t, critical, 'token_invalid');
  });

  it('refuses garbage and a token without a subject', async () => {
    await expectRejected(t, 'abc.def.ghi', 'token_invalid');
    await expectRejected(t, signTestToken({ tier: 'Gold' }), 'token_invalid');
  });

  it('enforces scopes on internal endpoints with 403 insufficient_scope', async () => {
    const denied = await t.http.get('/probe/internal').set('Authorization', `Bearer ${visitorToken()}`).expect(403);
    expect(denied.body).toMatchObject({
      error: 'insufficient_scope',
      details: [{ code: 'missing_scope', message: 'conversations:verify' }],
    });
    await t.http
      .get('/probe/internal')
      .set('Authorization', `Bearer ${serviceToken(['conversations:verify'])}`)
      .expect(200);
  });

  it('leaves health public', () => t.http.get('/health/live').expect(200));
});

describe("our callers' JWTs, RS256 from JWT_JWKS_URL", () => {
  let jwks: JwksServer;
  let t: TestApp;

  beforeAll(async () => {
    jwks = await startJwksServer();
    jwks.keys = [jwks.newKey()];
    t = await startTestApp({
      controllers: [GenesysProbeController],
      env: { JWT_SECRET: undefined, JWT_JWKS_URL: jwks.url, JWT_ALGORITHMS: 'RS256', JWT_JWKS_MIN_REFETCH_MS: '50' },
    });
  });
  afterAll(async () => {
    await t.close();
    await jwks.close();
  });

  it('accepts a token signed by a published key', async () => {
    await t.http
      .get('/probe/whoami')
      .set('Authorization', `Bearer ${signWithJwksKey(jwks.keys[0])}`)
      .expect(200);
  });

  it('refuses an HS256 token, including one "signed" with the public key (algorithm confusion)', async () => {
    const publicPem = jwks.keys[0].publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const confused = `${b64({ alg: 'HS256', typ: 'JWT', kid: jwks.keys[0].kid })}.${b64({ sub: 'u', iss: TEST_JWT_ISSUER, aud: TEST_JWT_AUDIENCE, exp: now() + 60 })}`;
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', publicPem).update(confused).digest('base64url');
    await expectRejected(t, `${confused}.${signature}`, 'token_invalid');
    await expectRejected(t, signTestToken({ sub: 'u' }), 'token_invalid');
  });

  it('follows a key rotation: a token with a new key id is verified after a JWKS refetch', async () => {
    const rotated = jwks.newKey();
    jwks.keys = [rotated];
    const fetchesBefore = jwks.fetches;
    await t.http
      .get('/probe/whoami')
      .set('Authorization', `Bearer ${signWithJwksKey(rotated)}`)
      .expect(200);
    expect(jwks.fetches).toBeGreaterThan(fetchesBefore);
  });

  it('refuses a token from a key that was never published', async () => {
    await expectRejected(t, signWithJwksKey(jwks.newKey()), 'token_invalid');
  });

  it('verifies a newly published key during a flood of made-up key ids, at a cost of one JWKS fetch per interval', async () => {
    const stranger = jwks.newKey();
    const flood = Array.from({ length: 300 }, () =>
      t.http
        .get('/probe/whoami')
        .set('Authorization', `Bearer ${signWithJwksKey({ ...stranger, kid: randomUUID() })}`)
        .then((response) => response.status),
    );
    const fresh = jwks.newKey();
    jwks.keys = [...jwks.keys, fresh];
    const fetchesBefore = jwks.fetches;
    const started = Date.now();
    await t.http
      .get('/probe/whoami')
      .set('Authorization', `Bearer ${signWithJwksKey(fresh)}`)
      .expect(200);
    const statuses = await Promise.all(flood);
    expect(statuses.every((status) => status === 401)).toBe(true);
    // JWT_JWKS_MIN_REFETCH_MS is 50 here: 300 unknown key ids cost a fetch per 50 ms, not one each.
    expect(jwks.fetches - fetchesBefore).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 50) + 1);
  });

  it('reports the flood on readiness: callerKeys degraded, still ready, with the count', async () => {
    await t.http
      .get('/probe/whoami')
      .set('Authorization', `Bearer ${signWithJwksKey(jwks.keys[0])}`)
      .expect(200);
    const stranger = jwks.newKey();
    // Counted over the last minute, however the 50 ms refetch windows split the 30.
    await Promise.all(
      Array.from({ length: 30 }, () =>
        t.http
          .get('/probe/whoami')
          .set('Authorization', `Bearer ${signWithJwksKey({ ...stranger, kid: randomUUID() })}`)
          .expect(401),
      ),
    );
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.details.callerKeys).toMatchObject({
      status: 'degraded',
      source: 'jwks',
      message: expect.stringContaining('key ids the JWKS does not publish'),
    });
    expect(ready.body.details.callerKeys.unknownKeyIdsLastMinute).toBeGreaterThanOrEqual(10);
  });
});

describe('a JWKS endpoint that answers too much', () => {
  it('reads at most 256 KB of it and refuses the token, instead of parsing 20 MB', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sentBytes = 0;
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"keys":[');
      const pump = () => {
        while (sentBytes < 20 * chunk.length) {
          sentBytes += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end(']}');
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const t = await startTestApp({
      controllers: [GenesysProbeController],
      env: {
        JWT_SECRET: undefined,
        JWT_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
        JWT_ALGORITHMS: 'RS256',
      },
    });
    try {
      const { privateKey } = rsaKeyPair();
      const token = sign({ sub: 'svc' }, privateKey, {
        algorithm: 'RS256',
        keyid: 'k1',
        issuer: TEST_JWT_ISSUER,
        audience: TEST_JWT_AUDIENCE,
        expiresIn: '5m',
      });
      await expectRejected(t, token, 'token_invalid');
      expect(t.logLines().join('\n')).toContain('the JWKS is larger than 262144 bytes');
    } finally {
      await t.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('auth configuration', () => {
  it('refuses a JWT_SECRET shorter than 32 bytes', async () => {
    await withEnvironment({ JWT_SECRET: 'too-short' }, async () => {
      expect(() => authConfig()).toThrow(ConfigurationError);
      expect(() => authConfig()).toThrow('JWT_SECRET must be at least 32 bytes');
    });
  });

  it('requires a key source, issuer and audience in production', async () => {
    await withEnvironment(
      {
        NODE_ENV: 'production',
        JWT_SECRET: undefined,
        JWT_JWKS_URL: undefined,
        JWT_ISSUER: undefined,
        JWT_AUDIENCE: undefined,
      },
      async () => {
        const error = (() => {
          try {
            authConfig();
          } catch (caught) {
            return caught as ConfigurationError;
          }
          throw new Error('expected a ConfigurationError');
        })();
        expect(error.problems).toEqual([
          expect.stringContaining('JWT_SECRET or JWT_JWKS_URL must be set'),
          expect.stringContaining('JWT_ISSUER must be set'),
          expect.stringContaining('JWT_AUDIENCE must be set'),
        ]);
      },
    );
  });

  it('refuses HS256 with a JWKS URL', async () => {
    await withEnvironment(
      { JWT_SECRET: undefined, JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ALGORITHMS: 'HS256' },
      async () => {
        expect(() => authConfig()).toThrow('cannot be verified with keys from JWT_JWKS_URL');
      },
    );
  });
});

describe('development credentials', () => {
  it('make up a secret and mint a visitor and a service token that the service accepts', async () => {
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'development',
      DEVELOPMENT_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'dev-state-')), 'state.json'),
    };
    const credentials = createDevelopmentCredentials(env);
    expect(credentials?.secret).toHaveLength(43);
    expect(env.JWT_SECRET).toBeUndefined();
    const t = await startTestApp({
      controllers: [GenesysProbeController],
      env: { JWT_SECRET: credentials?.secret, JWT_ISSUER: undefined, JWT_AUDIENCE: undefined },
    });
    try {
      const visitor = await t.http
        .get('/probe/whoami')
        .set('Authorization', `Bearer ${credentials?.visitorToken}`)
        .expect(200);
      expect(visitor.body.subject).toBe('usr_dev_1001');
      await t.http.get('/probe/internal').set('Authorization', `Bearer ${credentials?.serviceToken}`).expect(200);
    } finally {
      await t.close();
    }
  });

  it('are made, with a secret of their own, when JWT_SECRET is blank', () => {
    expect(createDevelopmentCredentials({ NODE_ENV: 'test', JWT_SECRET: '   ' })?.secret).toHaveLength(43);
  });

  it('leave no empty key behind: with a blank JWT_SECRET and no credentials, a token signed with an empty key is refused', async () => {
    const t = await startTestApp({
      controllers: [GenesysProbeController],
      env: { JWT_SECRET: '   ', JWT_ISSUER: undefined, JWT_AUDIENCE: undefined },
    });
    try {
      const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'attacker', scope: 'conversations:verify', exp: now() + 60 })}`;
      const forged = `${unsigned}.${createHmac('sha256', Buffer.alloc(0)).update(unsigned).digest('base64url')}`;
      await expectRejected(t, forged, 'token_invalid');
    } finally {
      await t.close();
    }
  });

  it('are never made in production or when a key is configured', () => {
    expect(createDevelopmentCredentials({ NODE_ENV: 'production' })).toBeUndefined();
    expect(createDevelopmentCredentials({ JWT_SECRET: 'x'.repeat(32) })).toBeUndefined();
    expect(createDevelopmentCredentials({ JWT_JWKS_URL: 'https://idp.example/jwks' })).toBeUndefined();
  });
});

import { HeldRequests, ProbeController } from './support/probe.controller';
import { connect, type AddressInfo } from 'node:net';
import { appConfig } from '../src/config/app.config';
import { startTestApp, withEnvironment, type TestApp } from './support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function expectErrorBody(body: unknown, status: number, error: string): void {
  expect(body).toEqual({
    statusCode: status,
    error,
    message: expect.any(String),
    details: expect.any(Array),
    requestId: expect.any(String),
  });
}

describe('foundation over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      controllers: [ProbeController],
      env: { CORS_ORIGINS: 'https://shop.example.com', BODY_LIMIT_BYTES: '2048' },
    });
  });
  afterAll(() => t.close());

  describe('health', () => {
    it('answers liveness and readiness', async () => {
      await t.http.get('/health/live').expect(200, { status: 'ok', info: {}, error: {}, details: {} });
      await t.http.get('/health/ready').expect(200);
    });
  });

  describe('request ids', () => {
    it('echoes a well-formed X-Request-Id', async () => {
      const res = await t.http.get('/health/live').set('X-Request-Id', 'qa-run-42.step:7').expect(200);
      expect(res.headers['x-request-id']).toBe('qa-run-42.step:7');
    });

    it('replaces a malformed or missing X-Request-Id with a fresh UUID', async () => {
      const malformed = await t.http.get('/health/live').set('X-Request-Id', 'evil id\twith spaces').expect(200);
      expect(malformed.headers['x-request-id']).toMatch(UUID);
      const missing = await t.http.get('/health/live').expect(200);
      expect(missing.headers['x-request-id']).toMatch(UUID);
      expect(missing.headers['x-request-id']).not.toBe(malformed.headers['x-request-id']);
    });

    it('puts the request id in the error body and the header alike', async () => {
      const res = await t.http.get('/no/such/route').set('X-Request-Id', 'trace-404').expect(404);
      expectErrorBody(res.body, 404, 'not_found');
      expect(res.body.requestId).toBe('trace-404');
      expect(res.headers['x-request-id']).toBe('trace-404');
      expect(res.body.message).toBe('No such route.');
      const withToken = await t.http.post('/no/such/route?access_token=secret-in-the-query').expect(404);
      expect(JSON.stringify(withToken.body)).not.toMatch(/access_token|secret-in-the-query|no\/such/);
    });
  });

  describe('the one error body', () => {
    it('lists every field and constraint of a validation failure', async () => {
      const res = await t.http
        .post('/probe/echo')
        .send({ name: 7, count: 11, items: [{ label: 'far too long a label' }], extra: true })
        .expect(400);
      expectErrorBody(res.body, 400, 'validation_failed');
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          { field: 'name', code: 'isString', message: 'name must be a string' },
          { field: 'count', code: 'max', message: 'count must not be greater than 10' },
          { field: 'items[0].label', code: 'maxLength', message: expect.stringContaining('label') },
          { field: 'extra', code: 'whitelistValidation', message: 'property extra should not exist' },
        ]),
      );
      expect(res.body.details).toHaveLength(4);
    });

    it('passes a valid body through, transformed', async () => {
      await t.http
        .post('/probe/echo')
        .send({ name: 'ok', count: 3, items: [{ label: 'a' }] })
        .expect(201, { name: 'ok', count: 3, items: [{ label: 'a' }] });
    });

    it('answers malformed JSON with 400 malformed_body', async () => {
      const res = await t.http
        .post('/probe/echo')
        .set('Content-Type', 'application/json')
        .send('{"name": "unterminated')
        .expect(400);
      expectErrorBody(res.body, 400, 'malformed_body');
      expect(res.headers['x-request-id']).toBe(res.body.requestId);
    });

    it('answers a body that is not JSON with 415', async () => {
      const res = await t.http.post('/probe/echo').set('Content-Type', 'text/csv').send('a,b').expect(415);
      expectErrorBody(res.body, 415, 'unsupported_media_type');
    });

    it.each([
      [
        'an overlong path parameter',
        `/api/verification/conversations/${'a'.repeat(300)}?access_token=secret-in-the-query`,
        414,
        'uri_too_long',
      ],
      [
        'a malformed percent escape',
        '/api/verification/conversations/%E0%A4%A?access_token=secret-in-the-query',
        400,
        'malformed_url',
      ],
    ])(
      'answers %s, which Fastify refuses before routing, in the standard body with the request id and headers',
      async (_label, path, status, code) => {
        const res = await t.http.get(path).set('X-Request-Id', 'framework-1').expect(status);
        expect(res.body).toEqual({
          statusCode: status,
          error: code,
          message: expect.any(String),
          details: [],
          requestId: 'framework-1',
        });
        expect(res.headers['x-request-id']).toBe('framework-1');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(JSON.stringify(res.body)).not.toMatch(/access_token|secret-in-the-query|conversations/);
      },
    );

    it('answers JSON sent as text/plain (fetch without a content type) with 415 naming application/json', async () => {
      const res = await t.http
        .post('/probe/echo')
        .set('Content-Type', 'text/plain')
        .send('{"name":"ok","count":1}')
        .expect(415);
      expectErrorBody(res.body, 415, 'unsupported_media_type');
      expect(res.body.message).toContain('application/json');
    });

    it('answers a body nested deeper than 32 levels with 400 body_too_deep, before any transformation', async () => {
      const deep = `{"name":"x","count":1,"items":${'['.repeat(1000)}${']'.repeat(1000)}}`;
      for (const body of [deep, `{"name":"x","count":1,"items":${'['.repeat(40)}${']'.repeat(40)}}`]) {
        const res = await t.http.post('/probe/echo').set('Content-Type', 'application/json').send(body).expect(400);
        expectErrorBody(res.body, 400, 'body_too_deep');
        expect(res.headers['x-request-id']).toBe(res.body.requestId);
      }
      await t.http
        .post('/probe/echo')
        .send({ name: 'ok', count: 3, items: [{ label: 'a' }] })
        .expect(201);
    });

    it('answers a body over the limit with 413', async () => {
      const res = await t.http
        .post('/probe/echo')
        .send({ name: 'x'.repeat(4096), count: 1 })
        .expect(413);
      expectErrorBody(res.body, 413, 'payload_too_large');
    });

    it('turns an unexpected error into a 500 that leaks nothing, and logs it under the request id', async () => {
      const res = await t.http.get('/probe/boom').set('X-Request-Id', 'boom-1').expect(500);
      expect(res.body).toEqual({
        statusCode: 500,
        error: 'internal_error',
        message: 'Internal server error.',
        details: [],
        requestId: 'boom-1',
      });
      expect(JSON.stringify(res.body)).not.toContain('hunter2');
      const logged = t.logLines().filter((line) => line.includes('"boom-1"'));
      expect(logged.some((line) => line.includes('"level":50') && line.includes('Request failed'))).toBe(true);
    });
    it('answers 500 in the standard body when the response head cannot be written, and keeps serving', async () => {
      const res = await t.http.get('/probe/unwritable-head').set('X-Request-Id', 'head-1').timeout(5000).expect(500);
      expectErrorBody(res.body, 500, 'internal_error');
      expect(res.headers['x-request-id']).toBe('head-1');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-broken']).toBeUndefined();
      const logged = t.logLines().filter((line) => line.includes('"head-1"'));
      expect(logged.some((line) => line.includes('"level":50') && line.includes('ERR_INVALID_CHAR'))).toBe(true);
      expect(logged.some((line) => line.includes('request completed') && line.includes('"statusCode":500'))).toBe(true);
      await t.http.get('/health/live').expect(200);
    });
  });

  describe('logs', () => {
    it('log a request whose client hung up before the answer, as aborted', async () => {
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      const arrived = HeldRequests.nextArrival();
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('GET /probe/held HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: hung-up-1\r\n\r\n'),
      );
      const serverEnd = await arrived;
      const serverSawTheHangUp = new Promise((resolve) => serverEnd.once('close', resolve));
      socket.destroy();
      await serverSawTheHangUp;
      const logged = async () => t.logLines().filter((line) => line.includes('"hung-up-1"'));
      // Fastify's onRequestAbort writes it at the hang-up; the handler is released so that the test app closes.
      HeldRequests.releaseAll();
      for (let turns = 0; (await logged()).length === 0 && turns < 200; turns += 1)
        await new Promise((resolve) => setImmediate(resolve));
      const [line] = await logged();
      expect(JSON.parse(line)).toMatchObject({
        requestId: 'hung-up-1',
        aborted: true,
        req: { method: 'GET', path: '/probe/held' },
        msg: 'request aborted by the client',
      });
    });

    it('never contain the bearer token, and carry the request id', async () => {
      await t.http
        .get('/health/ready?access_token=abc.def.ghi')
        .set('Authorization', 'Bearer abc.def.ghi')
        .set('Cookie', 'session=abc.def.ghi')
        .set('X-Request-Id', 'redaction-check');
      await t.http
        .post('/probe/echo')
        .set('Authorization', 'Bearer abc.def.ghi')
        .set('X-Request-Id', 'redaction-check-2')
        .send({ name: 'n', count: 1 })
        .expect(201);
      const lines = t.logLines();
      const ofRequest = lines.filter((line) => line.includes('"requestId":"redaction-check-2"'));
      expect(ofRequest.length).toBeGreaterThan(0);
      expect(ofRequest.every((line) => JSON.parse(line).req.path === '/probe/echo')).toBe(true);
      expect(lines.join('\n')).not.toContain('abc.def.ghi');
    });
  });

  describe('security defaults', () => {
    it('sends helmet headers', async () => {
      const res = await t.http.get('/health/live').expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    });

    it('allows CORS only from CORS_ORIGINS', async () => {
      const allowed = await t.http.get('/health/live').set('Origin', 'https://shop.example.com').expect(200);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example.com');
      const other = await t.http.get('/health/live').set('Origin', 'https://evil.example.net').expect(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('swagger', () => {
    it('serves the UI at /docs and the document at /docs-json with a bearer scheme', async () => {
      const ui = await t.http.get('/docs').expect(200);
      expect(ui.text).toContain('swagger-ui');
      const doc = await t.http.get('/docs-json').expect(200);
      expect(doc.body.components.securitySchemes.bearer).toEqual({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      });
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    });
  });
});

describe('slow clients', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ controllers: [ProbeController], env: { REQUEST_TIMEOUT_MS: '1000' } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  /** Sends `partial` and never the rest; resolves with what the server answered once it hung up, and when. */
  function sendAndStall(partial: string): Promise<{ answer: string; afterMs: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1', () => socket.write(partial));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
      socket.on('error', reject);
      socket.on('close', () => resolve({ answer, afterMs: Date.now() - started }));
    });
  }

  it.each([
    ['headers that never end', 'POST /probe/echo HTTP/1.1\r\nHost: localhost\r\nX-Slow: '],
    [
      'a body that never arrives',
      'POST /probe/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
    ],
  ])('answers %s with 408 and hangs up once REQUEST_TIMEOUT_MS has passed', async (_label, partial) => {
    const { answer, afterMs } = await sendAndStall(partial);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(900);
  });
});

describe('swagger switch', () => {
  it('is off in production unless SWAGGER_ENABLED=true, and on elsewhere unless SWAGGER_ENABLED=false', async () => {
    const enabled = (env: Record<string, string | undefined>) =>
      withEnvironment(env, async () => appConfig().swaggerEnabled);
    expect(await enabled({ NODE_ENV: 'production', SWAGGER_ENABLED: undefined })).toBe(false);
    expect(await enabled({ NODE_ENV: 'production', SWAGGER_ENABLED: 'true' })).toBe(true);
    expect(await enabled({ NODE_ENV: 'development', SWAGGER_ENABLED: undefined })).toBe(true);
  });

  it('serves no /docs, /docs-json or /docs-yaml when off', async () => {
    const t = await startTestApp({ env: { SWAGGER_ENABLED: 'false' } });
    try {
      for (const path of ['/docs', '/docs-json', '/docs-yaml']) await t.http.get(path).expect(404);
    } finally {
      await t.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish when the app closes', async () => {
    const t = await startTestApp({ controllers: [ProbeController] });
    const arrived = HeldRequests.nextArrival();
    const settled = t.http.get('/probe/held').then((res) => res);
    await arrived;
    const closing = t.close();
    // The app is closing with the request still in its handler; only now may the handler finish.
    await new Promise((resolve) => setImmediate(resolve));
    HeldRequests.releaseAll();
    await closing;
    const res = await settled;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ done: true });
  });
});

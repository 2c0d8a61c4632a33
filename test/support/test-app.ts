import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { loadConformance } from './openapi-conformance';
import type TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/bootstrap';
import { appConfig } from '../../src/config/app.config';
import { assertValidEnvironment } from '../../src/config/environment';
import { ENVIRONMENT_SCHEMAS } from '../../src/environment-schemas';
import { genesysSettingsFor } from '../../src/development/development-state';
import { GenesysModule } from '../../src/genesys/genesys.module';
import { LOG_DESTINATION } from '../../src/logging/logging.tokens';
import { startTestEmulator, type TestEmulator } from 'genesys-emulator';
import { CLOCK, systemClock, type Clock } from '../../src/clock/clock';
import { HttpService } from '@nestjs/axios';
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET } from './test-tokens';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly http: TestAgent;
  /** The emulator this app talks to as Genesys Cloud. */
  readonly emulator: TestEmulator;
  /** Every log line written since this app started. */
  logLines(): string[];
  /** Requests to Genesys (the emulator) sent and not yet answered. */
  upstreamInFlight(): number;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables for this app; process.env is restored once the app is built. */
  env?: Record<string, string | undefined>;
  /** Extra controllers, for exercising cross-cutting behaviour (pipes, filters) through a route. */
  controllers?: Type[];
  /** An emulator to share (several apps as one cluster); by default the app gets its own, closed with it. */
  emulator?: TestEmulator;
  /** The service's clock (CLOCK), also its own emulator's; the system clock by default. */
  clock?: Clock;
}

/** No Genesys settings at all: what sandbox mode (and the CLI's search for a sandbox) starts from. */
export const WITHOUT_GENESYS_SETTINGS = {
  GENESYS_CLIENT_ID: undefined,
  GENESYS_CLIENT_SECRET: undefined,
  GENESYS_LOGIN_URL: undefined,
  GENESYS_API_URL: undefined,
  GENESYS_WEBMESSAGING_URL: undefined,
  GENESYS_DEPLOYMENT_ID: undefined,
  GENESYS_ORGANIZATION_ID: undefined,
};

export async function withEnvironment<T>(env: Record<string, string | undefined>, build: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(env);
  try {
    return await build();
  } finally {
    apply(saved);
  }
}

/**
 * Boots the real AppModule, configured exactly as src/bin/main.ts does, on a real socket, against an
 * emulator on loopback; only the log destination is swapped for an in-memory stream so tests can
 * read what would reach stdout. GenesysModule is imported so fixture controllers can use the client.
 */
/** Every app of a test file writes to this one stream; each app reads back its own lines. */
const logs: string[] = [];
const destination = new PassThrough();
destination.on('data', (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean)));

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const firstLine = logs.length;

  // The emulator keeps the service's time, so that its rate windows and token lifetimes move with it.
  const emulator = options.emulator ?? (await startTestEmulator(options.clock ? { clock: options.clock } : {}));
  const env = {
    LOG_LEVEL: 'info',
    REDIS_URL: undefined,
    ...genesysSettingsFor(emulator),
    JWT_SECRET: TEST_JWT_SECRET,
    JWT_ISSUER: TEST_JWT_ISSUER,
    JWT_AUDIENCE: TEST_JWT_AUDIENCE,
    ...options.env,
  };
  const app = await withEnvironment(env, async () => {
    try {
      return await buildApp();
    } catch (error) {
      if (!options.emulator) await emulator.close();
      throw error;
    }
  });

  /** Answers openapi.yaml does not describe (test/support/openapi-conformance.ts); close() fails on any. */
  const undocumented: string[] = [];

  async function buildApp(): Promise<NestFastifyApplication> {
    assertValidEnvironment(ENVIRONMENT_SCHEMAS);
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule, GenesysModule],
      controllers: options.controllers ?? [],
    })
      .overrideProvider(LOG_DESTINATION)
      .useValue(destination)
      .overrideProvider(CLOCK)
      .useValue(options.clock ?? systemClock)
      .compile();
    const config = appConfig();
    const nestApp = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
      bufferLogs: true,
    });
    // Before configureApp: onSend hooks run in order, and the service's own writes the response in the last one.
    const conformance = await loadConformance();
    nestApp
      .getHttpAdapter()
      .getInstance()
      .addHook('onSend', async (request, reply, payload) => {
        // A path no route has is answered by the not-found handler, a CORS preflight by the CORS layer:
        // neither is an operation (foundation and browser tests check both).
        if (request.is404 || request.method === 'OPTIONS') return payload;
        const body =
          typeof payload === 'string'
            ? payload
            : Buffer.isBuffer(payload)
              ? payload.toString('utf8')
              : payload === null || payload === undefined
                ? ''
                : undefined;
        const contentType = reply.getHeader('content-type');
        const problem = conformance({
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          contentType: typeof contentType === 'string' ? contentType : undefined,
          body,
        });
        if (problem) undocumented.push(problem);
        return payload;
      });
    await configureApp(nestApp, config);
    await nestApp.init();
    await nestApp.getHttpAdapter().getInstance().ready();
    return nestApp;
  }

  let inFlight = 0;
  const axios = app.get(HttpService).axiosRef;
  axios.interceptors.request.use((config) => ((inFlight += 1), config));
  const settle = () => (inFlight -= 1);
  axios.interceptors.response.use(
    (response) => (settle(), response),
    (error: unknown) => (settle(), Promise.reject(error)),
  );

  return {
    app,
    http: request(app.getHttpServer()),
    emulator,
    logLines: () => logs.slice(firstLine),
    upstreamInFlight: () => inFlight,
    close: async () => {
      await app.close();
      if (!options.emulator) await emulator.close();
      if (undocumented.length > 0) {
        throw new Error(
          `Answers openapi.yaml does not describe (document them, or change the service):\n  ${[...new Set(undocumented)].join('\n  ')}`,
        );
      }
    },
  };
}

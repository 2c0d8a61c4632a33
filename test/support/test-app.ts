import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/bootstrap';
import { appConfig } from '../../src/config/app.config';
import { assertValidEnvironment } from '../../src/config/environment';
import { ENVIRONMENT_SCHEMAS } from '../../src/config/environment-schemas';
import { LOG_DESTINATION } from '../../src/logging/logging.module';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly http: TestAgent;
  /** Every log line the app has written so far. */
  logLines(): string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables for this app; process.env is restored once the app is built. */
  env?: Record<string, string | undefined>;
  /** Extra controllers, for exercising cross-cutting behaviour (pipes, filters) through a route. */
  controllers?: Type[];
}

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
 * Boots the real AppModule, configured exactly as main.ts does, on a real socket; only the log
 * destination is swapped for an in-memory stream so tests can read what would reach stdout.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const logs: string[] = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean)));

  const app = await withEnvironment({ LOG_LEVEL: 'info', ...options.env }, async () => {
    assertValidEnvironment(ENVIRONMENT_SCHEMAS);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule], controllers: options.controllers ?? [] })
      .overrideProvider(LOG_DESTINATION)
      .useValue(destination)
      .compile();
    const config = appConfig();
    const nestApp = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
      bufferLogs: true,
    });
    await configureApp(nestApp, config);
    await nestApp.init();
    await nestApp.getHttpAdapter().getInstance().ready();
    return nestApp;
  });

  return {
    app,
    http: request(app.getHttpServer()),
    logLines: () => [...logs],
    close: () => app.close(),
  };
}

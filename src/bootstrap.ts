import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { createDevelopmentCredentials, describeDevelopmentCredentials } from './auth/development-credentials';
import { appConfig, type AppConfig } from './config/app.config';
import { assertValidEnvironment } from './config/environment';
import { ENVIRONMENT_SCHEMAS } from './config/environment-schemas';
import { AppLogger } from './logging/app-logger';
import { REQUEST_LOG } from './logging/logging.tokens';
import { REQUEST_ID_HEADER, assignRequestId } from './logging/request-id';
import { registerRequestLogging } from './logging/request-logging';
import { needsSandbox, startSandboxEmulator } from './emulator/sandbox';
import { setupSwaggerUi } from './openapi/openapi-document';

export function createHttpAdapter(app: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: app.bodyLimitBytes,
    trustProxy: app.trustProxy,
    genReqId: assignRequestId,
    // Requests are logged by registerRequestLogging, application lines by AppLogger.
    logger: false,
  });
}

/**
 * Helmet's headers, computed once: they do not depend on the request, and building them per
 * request (as the Fastify plugin does) re-parses the CSP directives every time.
 */
function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => undefined,
  } as unknown as ServerResponse;
  helmet({
    // Swagger UI needs inline styles and its own scripts; everything else stays same-origin.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        scriptSrc: ["'self'"],
        // Upgrading would break the UI wherever the service is reached over plain HTTP (sandbox, cluster-internal).
        upgradeInsecureRequests: null,
      },
    },
  })({} as IncomingMessage, collector, () => undefined);
  return headers;
}

/** Everything main.ts and the tests share once the Nest application exists. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(AppLogger));
  app.enableShutdownHooks();
  const headers = securityHeaders();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // Responses are written from the check phase, after every request readable in this event-loop
  // turn has been handled, instead of from inside each socket's read callback. Under load this
  // cut the CPU per request of the config endpoint from ~145 to ~90–110 µs (BENCHMARKS.md); an idle
  // service pays one loop turn per response.
  fastify.addHook('onSend', (_request, _reply, payload, done) => setImmediate(done, null, payload));
  registerRequestLogging(fastify, app.get(REQUEST_LOG));
  // With no origins allowed there is nothing for CORS to do, and its hook would still run on every request.
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins });
  await setupSwaggerUi(app);
}

/**
 * Validates the whole environment first, so one failed start-up lists every bad variable; then,
 * when no Genesys credentials are set, starts the sandbox emulator, which closes with the app.
 */
export async function createApp(): Promise<NestFastifyApplication> {
  assertValidEnvironment(ENVIRONMENT_SCHEMAS);
  const developmentCredentials = createDevelopmentCredentials();
  const sandbox = needsSandbox() ? await startSandboxEmulator() : undefined;
  const config = appConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(config), {
    bufferLogs: true,
  });
  await configureApp(app, config);
  if (sandbox) {
    app.getHttpAdapter().getInstance().addHook('onClose', () => sandbox.close());
    app
      .get(AppLogger)
      .warn(
        `Sandbox mode: GENESYS_CLIENT_ID is not set, so Genesys Cloud is replaced by the local emulator at ${sandbox.url} ` +
          '(seeded conversations, admin routes under /emulator/admin). Set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET to use Genesys Cloud.',
        'Sandbox',
      );
  }
  // Printed, not logged: these development tokens are for pasting, and logs never carry tokens.
  if (developmentCredentials) process.stdout.write(describeDevelopmentCredentials(developmentCredentials));
  return app;
}

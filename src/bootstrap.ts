import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import type { Logger as PinoLogger } from 'pino';
import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppModule } from './app.module';
import {
  createDevelopmentCredentials,
  describeDevelopmentCredentials,
  type DevelopmentCredentials,
} from './auth/development-credentials';
import { appConfig, type AppConfig } from './config/app.config';
import { ConfigurationError, configurationSource, useConfigurationOverrides } from './config/environment';
import { assertValidConfiguration } from './environment-schemas';
import { deferResponseWrites } from './performance/deferred-response-write';
import { UnawaitedReplyFastifyAdapter } from './performance/unawaited-reply';
import { frameworkErrorResponder } from './errors/framework-errors';
import { AppLogger } from './logging/app-logger';
import { APPLICATION_LOG, REQUEST_LOG } from './logging/logging.tokens';
import { REQUEST_ID_HEADER, assignRequestId } from './logging/request-id';
import { registerRequestContext } from './logging/request-context';
import { registerRequestLogging } from './logging/request-logging';
import { registerHttpMetrics } from './metrics/http-metrics';
import { ServiceMetrics } from './metrics/service-metrics';
import { setupSwaggerUi } from './openapi-document';
import { useJsonBodies } from './request-body/json-body';
import { supportedNodeRange, unsupportedRuntimeLine } from './runtime-support';

export function createHttpAdapter(app: AppConfig): FastifyAdapter {
  return new UnawaitedReplyFastifyAdapter({
    bodyLimit: app.bodyLimitBytes,
    trustProxy: app.trustProxy,
    genReqId: assignRequestId,
    // Node enforces both only when it next checks its connections (every 30 s by default):
    // checking every second keeps a slow sender's connection at most a second past its time.
    requestTimeout: app.requestTimeoutMs,
    http: { headersTimeout: app.requestTimeoutMs, connectionsCheckingInterval: 1000 },
    // Requests are logged by registerRequestLogging, application lines by AppLogger.
    logger: false,
    frameworkErrors: frameworkErrorResponder(SECURITY_HEADERS, REQUEST_ID_HEADER),
  });
}

/**
 * Helmet's headers, computed once: they do not depend on the request, and three writers need the
 * same map: every response (an onRequest hook), Fastify's framework errors, and the 500 written
 * when a response head could not be. (Running helmet per request instead measured within the
 * noise on Node 24: docs/performance.md.)
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

const SECURITY_HEADERS = securityHeaders();

/** Everything main.ts and the tests share once the Nest application exists. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(AppLogger));
  app.enableShutdownHooks();
  useJsonBodies(app, config.bodyLimitBytes);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(SECURITY_HEADERS).header(REQUEST_ID_HEADER, request.id);
    done();
  });
  registerRequestContext(fastify);
  const requestLog = app.get<PinoLogger>(REQUEST_LOG);
  deferResponseWrites(fastify, {
    headers: SECURITY_HEADERS,
    requestIdHeader: REQUEST_ID_HEADER,
    log: app.get(APPLICATION_LOG),
  });
  registerRequestLogging(fastify, requestLog);
  registerHttpMetrics(fastify, app.get(ServiceMetrics));
  // With no origins allowed there is nothing for CORS to do, and its hook would still run on every request.
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins });
  if (config.swaggerEnabled) await setupSwaggerUi(app);
}

export interface CreateAppOptions {
  /**
   * Configuration decided by the entry point, over the process environment (the development
   * launcher's sandbox coordinates); see useConfigurationOverrides.
   */
  overrides?: Readonly<Record<string, string>>;
  /**
   * Development credentials the entry point made itself (the launcher, which hands their tokens to the demo shop); made
   * here otherwise.
   */
  developmentCredentials?: DevelopmentCredentials;
}

/**
 * Validates the whole configuration first, so one failed start-up lists every bad variable, and
 * creates the application. Outside production with no JWT key it makes up development
 * credentials (handed to the configuration as JWT_SECRET) and prints their tokens.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const overrides = { ...options.overrides };
  useConfigurationOverrides(overrides);
  const developmentCredentials = options.developmentCredentials ?? createDevelopmentCredentials(configurationSource());
  if (developmentCredentials) useConfigurationOverrides({ ...overrides, JWT_SECRET: developmentCredentials.secret });
  assertValidConfiguration();
  const config = appConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(config), {
    bufferLogs: true,
  });
  await configureApp(app, config);
  // The overrides were this application's; whatever is created after it starts from its own.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', async () => useConfigurationOverrides({}));
  // Printed, not logged: these development values are for pasting, and logs never carry tokens or credentials.
  // Printed once the service listens: a start refused its port has nothing to paste them into.
  if (developmentCredentials) {
    app
      .getHttpAdapter()
      .getInstance()
      .addHook(
        'onListen',
        async () => void process.stdout.write(describeDevelopmentCredentials(developmentCredentials)),
      );
  }
  return app;
}

/**
 * Why the service did not start, for stderr: a configuration error as its list of problems
 * (without values), a taken port with the variable that picks another, else the error itself.
 */
export function startFailureText(error: unknown, port: number): string {
  if (error instanceof ConfigurationError) return `wm-attribute-gateway will not start.\n${error.message}\n`;
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') {
    const other = port >= 65535 ? 3001 : port + 1;
    return `wm-attribute-gateway will not start: port ${port} is taken (another \`npm start\`, or another program). Choose another with PORT, e.g. PORT=${other} npm start\n`;
  }
  return `wm-attribute-gateway failed to start: ${error instanceof Error ? error.stack : String(error)}\n`;
}

/**
 * What an executable does with the application: load `.env` when there is one, create the app,
 * listen where the configuration says, and on a failure to start say why on stderr (see
 * startFailureText) and exit 1. On a Node.js outside `engines` it says so first, in one line.
 */
export function serve(
  create: () => Promise<NestFastifyApplication>,
  steps: { onListening?: (app: NestFastifyApplication) => void } = {},
): void {
  const unsupported = unsupportedRuntimeLine(process.version, supportedNodeRange());
  if (unsupported) process.stderr.write(unsupported);
  let port = Number(process.env.PORT) || 3000;
  const start = async () => {
    if (existsSync('.env')) process.loadEnvFile('.env');
    const app = await create();
    const config = appConfig();
    port = config.port;
    await app.listen(config.port, config.host);
    app
      .get(AppLogger)
      .log(
        `Listening on http://${config.host}:${config.port}${config.swaggerEnabled ? '; Swagger UI at /docs' : ''}`,
        'Bootstrap',
      );
    steps.onListening?.(app);
  };
  start().catch((error: unknown) => {
    process.stderr.write(startFailureText(error, port));
    process.exit(1);
  });
}

import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import type { Logger as PinoLogger } from 'pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { DEVELOPMENT_VISITOR_CLAIMS, createDevelopmentCredentials, describeDevelopmentCredentials } from './auth/development-credentials';
import { appConfig, type AppConfig } from './config/app.config';
import { assertValidEnvironment } from './config/environment';
import { ENVIRONMENT_SCHEMAS } from './environment-schemas';
import { deferResponseWrites } from './errors/deferred-response-write';
import { frameworkErrorResponder } from './errors/framework-errors';
import { AppLogger } from './logging/app-logger';
import { APPLICATION_LOG, REQUEST_LOG } from './logging/logging.tokens';
import { REQUEST_ID_HEADER, assignRequestId } from './logging/request-id';
import { logAbortedRequest, registerRequestLogging } from './logging/request-logging';
import type { RunningEmulator } from 'genesys-emulator';
import { describeSandbox, needsSandbox, startSandboxEmulator, type SandboxExample } from './development/sandbox';
import { setupSwaggerUi } from './openapi-document';
import { useJsonBodies } from './request-body/json-body';
import type { AttributeRegistry } from './widget-config/registry/attribute-definition';
import { ATTRIBUTE_REGISTRY, WidgetConfigService } from './widget-config/widget-config.service';

export function createHttpAdapter(app: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
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
  const requestLog = app.get<PinoLogger>(REQUEST_LOG);
  deferResponseWrites(fastify, {
    headers: SECURITY_HEADERS,
    requestIdHeader: REQUEST_ID_HEADER,
    log: app.get(APPLICATION_LOG),
    onClientGone: (request, reply) => logAbortedRequest(requestLog, request, reply),
  });
  registerRequestLogging(fastify, requestLog);
  // With no origins allowed there is nothing for CORS to do, and its hook would still run on every request.
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins });
  if (config.swaggerEnabled) await setupSwaggerUi(app);
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
  let printed = developmentCredentials ? describeDevelopmentCredentials(developmentCredentials) : '';
  if (sandbox) {
    app.getHttpAdapter().getInstance().addHook('onClose', () => sandbox.close());
    const examples = await seedSignedExamples(app, sandbox);
    app.get(AppLogger).warn(`Sandbox mode: Genesys Cloud is replaced by the local emulator at ${sandbox.url}`, 'Sandbox');
    printed += describeSandbox(sandbox, examples);
  }
  // Printed, not logged: these development values are for pasting, and logs never carry tokens or credentials.
  if (printed) process.stdout.write(printed);
  return app;
}

/** The edit of the tampered example: another value of an issued enum reads most naturally (Gold edited to Silver); else a forged identity. */
function exampleEdit(registry: AttributeRegistry, issued: Readonly<Record<string, string>>): { name: string; value: string } {
  for (const definition of registry.definitions) {
    const other = definition.values?.find((value) => issued[definition.name] !== undefined && value !== issued[definition.name]);
    if (other !== undefined) return { name: definition.name, value: other };
  }
  return { name: registry.identity.name, value: `${issued[registry.identity.name]}-forged` };
}

/**
 * Conversations for QA to verify at once: the development visitor's attributes issued by this
 * service and sent through the emulator's Messenger, once intact and once edited, beside the
 * emulator's own unsigned ones. A registry the development visitor cannot satisfy gets none.
 */
async function seedSignedExamples(app: NestFastifyApplication, sandbox: RunningEmulator): Promise<SandboxExample[]> {
  const unsigned = sandbox.control.conversationIds().map((conversationId) => ({ conversationId, description: 'unsigned (seeded by the emulator)' }));
  const visitor = { subject: DEVELOPMENT_VISITOR_CLAIMS.sub, scopes: new Set<string>(), claims: DEVELOPMENT_VISITOR_CLAIMS };
  let issued: Record<string, string>;
  try {
    issued = (await app.get(WidgetConfigService).configForVisitor(visitor)).guestAttributes;
  } catch (error) {
    app.get(AppLogger).debug(`No signed example conversations: ${(error as Error).message}`, 'Sandbox');
    return unsigned;
  }
  const registry = app.get<AttributeRegistry>(ATTRIBUTE_REGISTRY);
  const send = (customAttributes: Record<string, string>) => sandbox.control.ingest({ deploymentId: sandbox.deploymentId, customAttributes }).id;
  const edit = exampleEdit(registry, issued);
  return [
    { conversationId: send(issued), description: 'signed, intact (verified)' },
    { conversationId: send({ ...issued, [edit.name]: edit.value }), description: `signed, ${edit.name} edited to ${edit.value} (tampered)` },
    ...unsigned,
  ];
}

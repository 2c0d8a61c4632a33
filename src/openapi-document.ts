import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { dump } from 'js-yaml';
import { ErrorBodyDto } from './errors/error-body.dto';
import { BEARER_AUTH } from './auth/auth.decorators';
import metadata from './metadata';

export const SWAGGER_UI_PATH = 'docs';

/**
 * The OpenAPI document of the service. Plugin metadata (DTO JSDoc, types) comes from the
 * generated `src/metadata.ts`, so the document is the same under `nest build` and under jest.
 */
export async function buildOpenApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  await SwaggerModule.loadPluginMetadata(metadata);
  const config = new DocumentBuilder()
    .setTitle('wm-attribute-gateway')
    .setDescription(
      'Issues the Genesys Cloud Web Messaging configuration for signed-in visitors, with custom ' +
        'attributes validated against a registry and signed, and verifies that they reached the conversation intact.',
    )
    .setVersion('0.2.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH)
    .addTag('health', 'Liveness and readiness probes')
    .addTag('web-messaging', 'Messenger configuration with validated, signed custom attributes, and the attribute registry')
    .addTag('verification', 'Did the attributes reach the Genesys Cloud conversation as issued?')
    .build();
  return SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorBodyDto],
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
}

/** Deterministic YAML: sorted keys, no anchors, no line folding. */
export function renderOpenApiYaml(document: OpenAPIObject): string {
  return dump(document, { sortKeys: true, noRefs: true, lineWidth: -1 });
}

export async function setupSwaggerUi(app: INestApplication): Promise<void> {
  const document = await buildOpenApiDocument(app);
  SwaggerModule.setup(SWAGGER_UI_PATH, app, document, {
    jsonDocumentUrl: `${SWAGGER_UI_PATH}-json`,
    yamlDocumentUrl: `${SWAGGER_UI_PATH}-yaml`,
    swaggerOptions: { persistAuthorization: true },
  });
}
